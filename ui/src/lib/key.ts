// Immediate feedback while the key is typed or pasted. Rust (ApiKey::parse) checks again on Verify.

export const MAX_KEY_LEN = 512;

/** Trims what a copy from a web page tends to bring along: spaces, newlines, zero-width characters. */
export function normaliseKey(input: string): string {
  return input.replace(/^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g, "");
}

/** A message that says what is wrong and what to do, or null when the value may be a key. */
export function keyProblem(input: string): string | null {
  const key = normaliseKey(input);
  if (key.length === 0) return "Paste the key you copied from Ashby → Admin → API Keys.";
  if (key.length > MAX_KEY_LEN)
    return `That is ${key.length} characters long, far longer than an Ashby key. Copy only the key and paste it again.`;
  if (/\s/.test(key))
    return "The key contains spaces or line breaks in the middle. Copy the key again from Ashby and paste only the key.";
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u200b-\u200d\u2060\ufeff]/.test(key))
    return "The key contains invisible control characters. Copy the key again from Ashby and paste only the key.";
  if (!/^[\x21-\x7e]+$/.test(key))
    return "The key contains characters an Ashby key never has. Copy the key again from Ashby and paste only the key.";
  return null;
}
