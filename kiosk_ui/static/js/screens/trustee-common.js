// What the trustee screens share: the invitation a trustee gives the owner (docs/trustees.md), and reading a QR code from a photo.
import { b64uDecode } from '/static/crypto/pde-crypto.js';

export const INVITATION_PREFIX = 'pde-trustee:1:';

/** `pde-trustee:1:<handle>:<b64u public key>`, what a trustee shows the owner. */
export const formatInvitation = (handle, publicKey) => `${INVITATION_PREFIX}${handle}:${publicKey}`;

/** {handle, publicKey (base64url)} of an invitation, or null if the text is not one. */
export function parseInvitation(text) {
  const body = (text || '').trim();
  if (!body.startsWith(INVITATION_PREFIX)) return null;
  const rest = body.slice(INVITATION_PREFIX.length);
  const colon = rest.lastIndexOf(':');
  const handle = rest.slice(0, colon);
  const publicKey = rest.slice(colon + 1);
  try {
    if (colon < 1 || b64uDecode(publicKey).length !== 32) return null;
  } catch {
    return null;
  }
  return { handle, publicKey };
}

/** The text of the QR code in a photo (a File), or null when none can be read. The
 * decoder (../qr-scan.js, shared with the wallet card) loads only now. */
export async function readQrFromPhoto(file) {
  try {
    const { readQrCode } = await import('../qr-scan.js');
    return await readQrCode(file);
  } catch {
    return null; // not an image this browser can read: same answer as no code in it
  }
}
