// What the owner's lists of links (My shares, the deposit links) do alike:
// load the list, revoke a link after a confirmation, delete an ended one.
import { t } from '/static/kit/strings.js';
import { busy, byId, el, errorMessage, icon, notify } from './ui.js';

/** A button with a pictogram. */
export function iconButton(className, iconName, label) {
  return el('button', { className: `btn ${className}`, attrs: { type: 'button' } }, [icon(iconName), label]);
}

/**
 * The list `list` of the screen `screen` (with the elements `${screen}-title`,
 * `${screen}-loading` and `${screen}-empty`), whose buttons have the classes
 * `${kind}-revoke`, `${kind}-delete`, ….
 */
export class LinkList {
  constructor(screen, kind, list) {
    this.screen = screen;
    this.kind = kind;
    this.list = list;
  }

  /** Fill the list with `itemOf(link)` for each link `load()` gives. */
  async show(load, itemOf) {
    byId(`${this.screen}-loading`).hidden = false;
    byId(`${this.screen}-empty`).hidden = true;
    this.list.replaceChildren();
    try {
      this.list.replaceChildren(...(await load()).map(itemOf));
    } catch (error) {
      notify(errorMessage(error));
    } finally {
      byId(`${this.screen}-loading`).hidden = true;
    }
    this.showIfEmpty();
  }

  showIfEmpty() {
    byId(`${this.screen}-empty`).hidden = this.list.children.length > 0;
  }

  /**
   * "Revoke now" for the link in `row`: it asks `question` first; yes calls
   * `revoke()`, puts `rowOf(revoked)` in the row's place, focuses its heading
   * and says `done`.
   */
  revokeButton(row, { question, revoke, rowOf, done }) {
    const button = iconButton(`btn-danger ${this.kind}-revoke`, 'revoke', t('Revoke now'));
    const no = iconButton(`${this.kind}-revoke-no`, 'back', t('No, keep it'));
    const yes = iconButton(`btn-danger ${this.kind}-revoke-yes`, 'revoke', t('Yes, revoke it'));
    const panel = el('div', { className: 'panel panel-danger', attrs: { role: 'group' } }, [
      el('p', { text: question }),
      el('div', { className: 'actions' }, [no, yes]),
    ]);
    button.addEventListener('click', () => {
      if (!panel.isConnected) row.append(panel);
      no.focus();
    });
    no.addEventListener('click', () => {
      panel.remove();
      button.focus();
    });
    yes.addEventListener('click', async () => {
      try {
        const fresh = rowOf(await busy(yes, revoke));
        row.replaceWith(fresh);
        fresh.firstElementChild.focus(); // its heading
        notify(done);
      } catch (error) {
        notify(errorMessage(error));
      }
    });
    return button;
  }

  /** "Delete" for the ended link in `row`: `remove()`, then the row goes and `done` is said. */
  deleteButton(row, { remove, done }) {
    const button = iconButton(`${this.kind}-delete`, 'delete', t('Delete'));
    button.addEventListener('click', async () => {
      try {
        await busy(button, remove);
        row.remove();
        this.showIfEmpty();
        byId(`${this.screen}-title`).focus();
        notify(done);
      } catch (error) {
        notify(errorMessage(error));
      }
    });
    return button;
  }
}
