// The compose editor's rich text: a small allowlist (bold, italic, underline, links, lists, quotes, line
// breaks). Anything else — scripts, styles, images, event handlers — is dropped, whatever its source
// (a reopened draft, a parked message taken back from the outbox). Text from mail (a quoted reply) enters
// the editor only through `textToHtml`, escaped.

const BLOCKS = new Set(['P', 'DIV', 'UL', 'OL', 'LI', 'BLOCKQUOTE']);
const INLINE = new Set(['B', 'STRONG', 'I', 'EM', 'U', 'BR', 'A', 'SPAN']);

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text as editor HTML: escaped, line breaks kept. */
export function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

/** Only http(s) and mailto links survive. */
export function safeHref(href: string | null): string | null {
  if (!href) return null;
  const h = href.trim();
  return /^(https?:|mailto:)/i.test(h) ? h : null;
}

function clean(node: Node, doc: Document): Node[] {
  if (node.nodeType === 3) return [doc.createTextNode(node.textContent ?? '')];
  if (node.nodeType !== 1) return [];
  const el = node as Element;
  const tag = el.tagName.toUpperCase();
  const kids = () => [...el.childNodes].flatMap((c) => clean(c, doc));
  if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE' || tag === 'IFRAME' || tag === 'OBJECT') return [];
  if (!BLOCKS.has(tag) && !INLINE.has(tag)) return kids();
  const out = doc.createElement(tag === 'SPAN' ? 'span' : tag.toLowerCase());
  if (tag === 'A') {
    const href = safeHref(el.getAttribute('href'));
    if (!href) return kids();
    out.setAttribute('href', href);
  }
  for (const k of kids()) out.appendChild(k);
  return [out];
}

/** Keep only the allowlisted markup of `html` (parsed inert: nothing loads or runs). */
export function sanitizeRich(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const holder = doc.createElement('div');
  for (const n of [...doc.body.childNodes].flatMap((c) => clean(c, doc))) holder.appendChild(n);
  return holder.innerHTML;
}

/** The plain-text alternative of editor HTML: lists as "- item", links as "text (url)". */
export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  let out = '';
  const walk = (n: Node, listDepth: number) => {
    if (n.nodeType === 3) {
      out += n.textContent ?? '';
      return;
    }
    if (n.nodeType !== 1) return;
    const el = n as Element;
    const tag = el.tagName.toUpperCase();
    if (tag === 'BR') {
      out += '\n';
      return;
    }
    const block = BLOCKS.has(tag);
    if (block && out && !out.endsWith('\n')) out += '\n';
    if (tag === 'LI') out += `${'  '.repeat(Math.max(0, listDepth - 1))}- `;
    const depth = tag === 'UL' || tag === 'OL' ? listDepth + 1 : listDepth;
    for (const c of el.childNodes) walk(c, depth);
    if (tag === 'A') {
      const href = el.getAttribute('href');
      const text = el.textContent ?? '';
      if (href && href !== text && href !== `mailto:${text}`) out += ` (${href})`;
    }
    if (block && !out.endsWith('\n')) out += '\n';
  };
  for (const c of doc.body.childNodes) walk(c, 0);
  return out.replace(/\n+$/, '\n').replace(/^\n/, '');
}
