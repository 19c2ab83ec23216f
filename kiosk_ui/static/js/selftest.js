// Checks, on page load, that this browser can run PDE's encryption: a short
// document is encrypted and decrypted with the streaming format in page memory.
import { encryptBlob, decryptBlob } from "/static/crypto/pde-crypto.js";

const status = document.getElementById("crypto-status");

async function selfTest() {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const documentId = "c2VsZi10ZXN0LWRvY3VtZW50";
  const text = "PDE self-test";
  const sealed = await encryptBlob(new Blob([text]), key, documentId);
  const opened = await decryptBlob(sealed, key, documentId);
  return (await opened.text()) === text;
}

selfTest().then(
  (ok) => {
    status.dataset.state = ok ? "ok" : "failed";
    status.textContent = ok ? "Encryption works in this browser." : "Encryption failed in this browser.";
  },
  (error) => {
    status.dataset.state = "failed";
    status.textContent = `Encryption is not available in this browser (${error.name}).`;
  },
);
