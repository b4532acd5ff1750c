/**
 * Parts of a hand-written text file that a script writes: the lines between
 * `<!-- generated:NAME … -->` and `<!-- /generated:NAME -->`. The markers stay, so the next run
 * finds the section again, and a test can compare the file with what the script would write.
 */
export function replaceGeneratedSection(text: string, name: string, body: string): string {
  const open = new RegExp(`^<!-- generated:${name}\\b.*-->$`, 'm').exec(text);
  const close = `<!-- /generated:${name} -->`;
  const end = open ? text.indexOf(close, open.index) : -1;
  if (!open || end === -1)
    throw new Error(`no section "${name}" (${open ? close : `<!-- generated:${name} -->`} missing)`);
  const start = open.index + open[0].length;
  return `${text.slice(0, start)}\n\n${body.trim()}\n\n${text.slice(end)}`;
}
