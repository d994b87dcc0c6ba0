import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeRich, textToHtml } from './richtext';

describe('rich text', () => {
  it('keeps bold, italic, lists and http links, and drops everything else', () => {
    const dirty =
      '<p>Hi <b>Jane</b> <i>x</i></p><ul><li>one</li></ul><img src=x onerror="window.pwned=1">' +
      '<a href="javascript:alert(1)">bad</a> <a href="https://acme.test" onclick="x()">ok</a><script>window.pwned=2</script>' +
      '<span style="background:url(https://t.test/p.png)">styled</span>';
    const clean = sanitizeRich(dirty);
    expect(clean).toBe(
      '<p>Hi <b>Jane</b> <i>x</i></p><ul><li>one</li></ul>bad <a href="https://acme.test">ok</a><span>styled</span>',
    );
    expect((window as unknown as { pwned?: number }).pwned).toBeUndefined();
  });

  it('turns quoted mail text into escaped editor HTML', () => {
    expect(textToHtml('> <b>not bold</b>\n> & more')).toBe('&gt; &lt;b&gt;not bold&lt;/b&gt;<br>&gt; &amp; more');
  });

  it('gives the HTML body a readable plain-text alternative', () => {
    expect(htmlToText('Hello <b>Jane</b>,<br>see <a href="https://acme.test/offer">the offer</a>')).toBe(
      'Hello Jane,\nsee the offer (https://acme.test/offer)',
    );
    expect(htmlToText('<div>Points:</div><ul><li>price</li><li>date</li></ul><div>Bye</div>')).toBe(
      'Points:\n- price\n- date\nBye\n',
    );
  });
});
