// "Report a problem with this link" (issue 11 §5; templates/report-form.html),
// the same on the share viewer and the depositor's page: a reason from the list
// and an optional short text. The page hands in `send(body)`, which posts the
// report for its link's id: the link's secret stays in this page's memory, and
// the report carries nothing of it. The answer is the same for any link, so
// there is nothing to read in it but "received" or "too many".
import { ApiError, NetworkError } from './request.js';
import { byId } from './page.js';
import { setText } from './strings.js';

const TEXT_MAX = 500;

let sendReport = null;

function openForm(open) {
  byId('report-form').hidden = !open;
  byId('report-toggle').setAttribute('aria-expanded', String(open));
  if (open) {
    setText(byId('report-status'), '');
    document.querySelector('input[name="report-reason"]')?.focus();
  }
}

function clearForm() {
  for (const input of document.querySelectorAll('input[name="report-reason"]')) input.checked = false;
  byId('report-text').value = '';
  setText(byId('report-error'), '');
}

// What the form says when the report could not be sent.
const PROBLEMS = {
  network: { text: 'No connection. Check it and try again.' },
  rate_limited: { text: 'Too many reports were sent from here. Try again later.' },
  refused: { text: 'This report could not be sent. Check it and try again.' },
  unavailable: { text: 'The service is not available for a moment. Try again in a few minutes.' },
};

function problemOf(error) {
  if (error instanceof NetworkError) return PROBLEMS.network.text;
  if (error instanceof ApiError && error.code === 'rate_limited') return PROBLEMS.rate_limited.text;
  if (error instanceof ApiError && error.status < 500) return PROBLEMS.refused.text;
  return PROBLEMS.unavailable.text;
}

async function submit(event) {
  event.preventDefault();
  const reason = document.querySelector('input[name="report-reason"]:checked')?.value;
  const text = byId('report-text').value.trim().slice(0, TEXT_MAX);
  if (!reason) {
    setText(byId('report-error'), 'Choose what the problem is.');
    document.querySelector('input[name="report-reason"]')?.focus();
    return;
  }
  const button = byId('report-send');
  if (button.disabled) return;
  button.disabled = true;
  setText(byId('report-error'), '');
  try {
    await sendReport({ reason, text });
    clearForm();
    openForm(false);
    setText(byId('report-status'), 'Thank you. The service that runs PDE will look at this link.');
    byId('report-toggle').focus();
  } catch (error) {
    setText(byId('report-error'), problemOf(error));
  } finally {
    button.disabled = false;
  }
}

/** Wire the form once; `send({reason, text})` posts the report for the page's link. */
export function setUpReport(send) {
  sendReport = send;
  byId('report-toggle').addEventListener('click', () => openForm(byId('report-form').hidden));
  byId('report-cancel').addEventListener('click', () => {
    clearForm();
    openForm(false);
    byId('report-toggle').focus();
  });
  byId('report-form').addEventListener('submit', submit);
}

/** Show the report's button (while a link is on screen) or hide it with its form. */
export function showReport(visible) {
  byId('report').hidden = !visible;
  if (!visible) {
    clearForm();
    openForm(false);
  }
}
