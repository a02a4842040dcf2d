/// <reference lib="dom" />
/** A tiny element builder: h('a', {href: '#/x', class: 'btn'}, 'text', child). */

export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v === undefined || v === null || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.startsWith('on') ? k.slice(2) : k, v);
      else if (k === 'class') el.className = String(v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replace every child of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.textContent = '';
  append(el, children);
}

/** A table with a caption, a header row and body rows (cells are children). */
export function table(caption: string, head: string[], rows: Child[][], empty = 'none'): HTMLElement {
  const t = h('table', null,
    h('caption', null, caption),
    h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null,
      rows.length === 0
        ? h('tr', null, h('td', { colspan: head.length, class: 'empty' }, empty))
        : rows.map((r) => h('tr', null, r.map((c, i) => h('td', { 'data-label': head[i] ?? '' }, h('span', null, c)))))),
  );
  return h('div', { class: 'table-wrap' }, t);
}

/** Make `parent`'s children exactly `els`, in order, moving only what is out of place (focus and open state survive). */
export function reconcile(parent: Element, els: Element[]): void {
  const keep = new Set(els);
  for (const c of Array.from(parent.children)) if (!keep.has(c)) c.remove();
  let prev: Element | null = null;
  for (const el of els) {
    const want: Element | null = prev ? prev.nextElementSibling : parent.firstElementChild;
    if (want !== el) parent.insertBefore(el, want);
    prev = el;
  }
}
