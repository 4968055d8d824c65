import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { memo } from 'react';

const marked = new Marked({ gfm: true, breaks: true, async: false });

/** Model output as Markdown (code blocks included), sanitised: a model can write any HTML, none of it runs. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  const html = DOMPurify.sanitize(marked.parse(text) as string, { USE_PROFILES: { html: true } });
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
});
