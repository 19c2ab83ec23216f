// The screen that hands a link over (a share's, a deposit link's): a large QR
// code, the link as text with a copy button, a printable sheet. The link, and a
// copy of it on the clipboard, are forgotten on every way out: "Done", another
// screen, "Leave now", the idle logout, the page going (reload, closing).
// A browser writes the clipboard only for a page that has the focus and the
// right: a copy is always shown with a warning, which says so when the kiosk
// cannot erase it (copied by hand).
import { t } from '/static/kit/strings.js';
import { onLeaving } from './nav.js';
import { qrSvg } from './qr.js';
import { byId, el, notify } from './ui.js';

/** How long leaving waits for the clipboard to be emptied before it goes on anyway. */
const EMPTYING_MS = 1000;

/** Overwrite the clipboard with nothing, where the browser lets the page; never throws. */
function emptyClipboard() {
  let emptying;
  try {
    emptying = navigator.clipboard.writeText('').catch(() => {});
  } catch {
    return Promise.resolve(); // no clipboard API: nothing could be copied through it
  }
  return Promise.race([emptying, new Promise((resolve) => setTimeout(resolve, EMPTYING_MS))]);
}

/**
 * The elements `#${kind}-qr`, `#${kind}-link`, `#${kind}-copy`, `#${kind}-print`,
 * `#${kind}-done`, and the warnings `#${kind}-copied` and `#${kind}-copy-by-hand`,
 * on screen `screen`; `clear` names the sheet's other elements, emptied with the
 * link; done forgets, then calls `onDone()`.
 */
export class LinkSheet {
  constructor(kind, { screen, clear, onDone }) {
    this.kind = kind;
    this.clear = clear;
    this.link = '';
    this.copied = false;
    this.copiedWarning = byId(`${kind}-copied`);
    this.byHandWarning = byId(`${kind}-copy-by-hand`);
    byId(`${kind}-copy`).addEventListener('click', () => this.copy());
    byId(`${kind}-print`).addEventListener('click', () => window.print());
    byId(`${kind}-done`).addEventListener('click', () => {
      this.forget();
      onDone();
    });
    onLeaving(screen, () => this.forget()); // another screen, a logout, the page going
  }

  /** Show `link`, its QR code named `qrLabel`. The address may wrap at the end of a line;
   * the secret after "#" never does, so that it is copied by hand in one piece. */
  show(link, qrLabel) {
    this.forget();
    this.link = link;
    byId(`${this.kind}-qr`).replaceChildren(qrSvg(link, qrLabel));
    const cut = link.includes('#') ? link.indexOf('#') : link.length;
    byId(`${this.kind}-link`).replaceChildren(
      el('span', { className: 'link-address', text: link.slice(0, cut) }),
      el('span', { className: 'link-secret', text: link.slice(cut) }),
    );
  }

  /** Forget the link; resolves once a copy of it is erased from the clipboard, or cannot be. */
  forget() {
    const { copied } = this;
    this.copied = false;
    this.link = '';
    this.copiedWarning.hidden = true;
    this.byHandWarning.hidden = true;
    for (const id of [`${this.kind}-link`, `${this.kind}-qr`, ...this.clear]) byId(id).replaceChildren();
    return copied ? emptyClipboard() : Promise.resolve();
  }

  async copy() {
    this.copied = true; // from now on, leaving empties the clipboard, however it was copied
    try {
      await navigator.clipboard.writeText(this.link);
      this.byHandWarning.hidden = true;
      this.copiedWarning.hidden = false;
      notify(t('The link is copied.'));
    } catch {
      // no clipboard for scripts here: select the link so that it can be copied by hand
      window.getSelection().selectAllChildren(byId(`${this.kind}-link`));
      this.copiedWarning.hidden = true;
      this.byHandWarning.hidden = false;
      notify(t('Copy the selected link.'));
    }
  }
}
