// The ready handshake's clientId: new per page load, so the host can tell a reloaded iframe from a
// repeated ready.

export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
