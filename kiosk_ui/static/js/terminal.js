// An enrolled terminal's policy (docs/day-centres.md, "Terminals"), as the server
// put it in the page (#terminal-policy; an ordinary browser has none and keeps
// every button). On a terminal, decrypted files are never handed to the
// browser's downloads, one by one or as the zip of everything: they would stay
// on a disk the next person uses. Printing follows the centre's choice: when it
// is off, each print button gives way to a line that says so.
import { t } from '/static/kit/strings.js';

const PRINT_BUTTONS = [
  'view-print',
  'print-sheet',
  'print-card',
  'share-print',
  'deposit-print',
  'request-ticket-print',
  'trustee-printed-print',
];

const policyElement = document.getElementById('terminal-policy');
/** {centre, help_phone, printing, downloads} on an enrolled terminal, else null. */
export const terminalPolicy = policyElement ? JSON.parse(policyElement.textContent) : null;

/** Raised when something tries to save a decrypted file on a terminal. */
export class DownloadsOff extends Error {
  constructor() {
    super('Downloads are off on this terminal.');
    this.name = 'DownloadsOff';
  }
}

/** Whether a decrypted file may be handed to this browser's downloads. */
export function downloadsAllowed() {
  return terminalPolicy === null;
}

/** Whether this page may print (an ordinary browser always may). */
export function printingAllowed() {
  return terminalPolicy === null || terminalPolicy.printing === true;
}

/** Replace each print button by a line saying that printing is off here. */
export function applyPrintingPolicy(root = document) {
  if (printingAllowed()) return;
  for (const id of PRINT_BUTTONS) {
    const button = root.getElementById(id);
    if (!button || button.dataset.printingOff) continue;
    button.dataset.printingOff = 'true';
    button.hidden = true;
    button.disabled = true;
    const note = document.createElement('p');
    note.className = 'terminal-note printing-off';
    note.textContent = t('Printing is off on this computer. Write it down on paper, or ask the staff for help.');
    button.after(note);
  }
}
