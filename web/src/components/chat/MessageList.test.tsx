import { render } from '@testing-library/react';
import { MessageList } from './MessageList';

describe('MessageList', () => {
  it('scrolls to the newest message where scrollIntoView returns a promise (Chromium), without breaking React', () => {
    const scroll = vi.fn(() => Promise.resolve());
    Element.prototype.scrollIntoView = scroll as unknown as typeof Element.prototype.scrollIntoView;
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { rerender, unmount } = render(<MessageList messages={[{ id: '1', role: 'user', content: 'hi' }]} streaming={false} />);
    rerender(<MessageList messages={[{ id: '1', role: 'user', content: 'hi' }, { id: '2', role: 'assistant', content: 'yo' }]} streaming />);
    unmount();
    expect(scroll).toHaveBeenCalledTimes(2);
    expect(errors).not.toHaveBeenCalled();
  });
});
