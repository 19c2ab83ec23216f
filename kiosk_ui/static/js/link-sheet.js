// The screen that hands a link over (a share's, a deposit link's): a large QR
// code, the link as text with a copy button, a printable sheet. The link, and a
// copy of it on the clipboard, are forgotten when the owner is done.
import { t } from '/static/kit/strings.js';
import { qrSvg } from './qr.js';
import { byId, notify } from './ui.js';

/**
 * The elements `#${kind}-qr`, `#${kind}-link`, `#${kind}-copy`, `#${kind}-print`
 * and `#${kind}-done`; `clear` names the sheet's other elements, emptied with
 * the link; done forgets, then calls `onDone()`.
 */
export class LinkSheet {
  constructor(kind, { clear, onDone }) {
    this.kind = kind;
    this.clear = clear;
    this.link = '';
    this.copied = false;
    byId(`${kind}-copy`).addEventListener('click', () => this.copy());
    byId(`${kind}-print`).addEventListener('click', () => window.print());
    byId(`${kind}-done`).addEventListener('click', () => {
      this.forget();
      onDone();
    });
  }

  /** Show `link`, its QR code named `qrLabel`. */
  show(link, qrLabel) {
    this.forget();
    this.link = link;
    byId(`${this.kind}-qr`).replaceChildren(qrSvg(link, qrLabel));
    byId(`${this.kind}-link`).textContent = link;
  }

  forget() {
    // A copied link stays on a shared computer's clipboard: empty it when done.
    if (this.copied) navigator.clipboard?.writeText('').catch(() => {});
    this.copied = false;
    this.link = '';
    for (const id of [`${this.kind}-link`, `${this.kind}-qr`, ...this.clear]) byId(id).replaceChildren();
  }

  async copy() {
    try {
      await navigator.clipboard.writeText(this.link);
      this.copied = true;
      notify(t('The link is copied.'));
    } catch {
      // no clipboard here: select the link so that it can be copied by hand
      window.getSelection().selectAllChildren(byId(`${this.kind}-link`));
      notify(t('Copy the selected link.'));
    }
  }
}
