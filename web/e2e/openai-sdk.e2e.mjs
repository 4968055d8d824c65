// The official `openai` npm client against the real inference server (tiny random checkpoint, web/e2e/stack.mjs):
// `chat.completions.parse` with a zod schema returns a parsed object, which random weights can only produce through
// the server's guided decoding of `response_format: json_schema`; `responses.create` answers text and streams.
// Run: `npm run e2e` in web/ after `./mvnw package` (scripts/test.sh does both). Needs no browser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { Stack, repo } from './stack.mjs';

setTimeout(() => {
  console.error('FAIL: the SDK run exceeded 4 minutes');
  process.exit(1);
}, 240_000).unref();

// No free-text strings: random weights would fill one until max_tokens, the grammar would then close the JSON with
// finish_reason "length", and the SDK refuses to parse a reply cut by the length limit (as it should).
const City = z.object({
  name: z.enum(['Paris', 'Lyon', 'Nice']),
  population: z.number(),
  capital: z.boolean(),
  districts: z.array(z.enum(['north', 'south', 'east', 'west'])),
});

describe('openai npm client', () => {
  let stack;
  let client;
  let model;

  before(async () => {
    stack = new Stack(join(repo, 'web/e2e/artifacts/logs-sdk'));
    const url = await stack.startInference();
    client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 120_000 });
    model = (await client.models.list()).data[0].id;
  });

  after(async () => {
    await stack?.stop();
  });

  it('chat.completions.parse with a zod schema returns the parsed object, greedy and sampled', async () => {
    for (const temperature of [0, 1]) {
      const completion = await client.chat.completions.parse({
        model,
        messages: [{ role: 'user', content: 'Describe a city as JSON.' }],
        response_format: zodResponseFormat(City, 'city'),
        max_completion_tokens: 200,
        temperature,
        seed: 7,
      });
      assert.equal(completion.choices[0].finish_reason, 'stop');
      const city = completion.choices[0].message.parsed;
      assert.ok(city, `temperature ${temperature}: nothing parsed from ${completion.choices[0].message.content}`);
      assert.deepEqual(City.parse(city), city);
    }
  });

  it('responses.create answers text, and its stream ends with the same text', async () => {
    const request = { model, input: 'Say hi', instructions: 'You are terse.', max_output_tokens: 8, temperature: 0 };
    const whole = await client.responses.create(request);
    assert.equal(whole.status === 'completed' || whole.status === 'incomplete', true, `status ${whole.status}`);
    assert.ok(whole.output_text.length > 0, 'some text');
    let streamed = '';
    let completed;
    for await (const event of await client.responses.create({ ...request, stream: true })) {
      if (event.type === 'response.output_text.delta') streamed += event.delta;
      if (event.type === 'response.completed' || event.type === 'response.incomplete') completed = event.response;
    }
    assert.equal(streamed, whole.output_text);
    assert.equal(completed?.output_text ?? completed?.output?.[0]?.content?.[0]?.text, whole.output_text);
  });
});
