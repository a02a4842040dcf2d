/// <reference lib="dom" />
/** What every view module exports: mount into the main region, unmount when left. */
import type { Store } from '../store';

export interface ViewContext {
  store: Store;
  /** The path part after the view name (`#/village/house-a` → "house-a"), or null. */
  param: string | null;
  query: URLSearchParams;
}

export interface View {
  mount(root: HTMLElement, ctx: ViewContext): void;
  unmount(): void;
}

/** The h2 every view starts with; focus moves there when the view opens. */
export function heading(text: string): HTMLHeadingElement {
  const el = document.createElement('h2');
  el.className = 'view-title';
  el.tabIndex = -1;
  el.textContent = text;
  return el;
}
