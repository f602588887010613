// Shopify ids are 64-bit integers sent as JSON numbers. JSON.parse rounds any
// integer above 2^53 - 1, so two different customers could parse to the same
// id and be merged into one person. Before parsing, this rewrites such
// integers (outside strings) as strings, which keeps every digit.

/** Returns `text` with every integer literal beyond Number.MAX_SAFE_INTEGER quoted. */
export function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (char === '-' || (char >= '0' && char <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      const token = match?.[0] ?? char;
      const isInteger = match !== null && match[1] === undefined && match[2] === undefined;
      if (isInteger && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(copiedUpTo, i)}"${token}"`;
        copiedUpTo = i + token.length;
      }
      i += token.length;
      continue;
    }
    i++;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}
