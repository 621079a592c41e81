// Where `pnpm bench` writes its rows: at the end of the markdown table just above a marker
// comment, so the rows stay inside that table whatever blank lines separate it from the marker.

/** `markdown` with `rows` added after the last row of the table that precedes `marker`. */
export function appendToTable(markdown, marker, rows) {
  const at = markdown.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker} in the document`);
  const lines = markdown.slice(0, at).split('\n');
  let last = lines.length - 1;
  while (last >= 0 && !lines[last].trimStart().startsWith('|')) {
    if (lines[last].trim() !== '') {
      throw new Error(`${marker} does not follow a table: "${lines[last]}" comes between`);
    }
    last -= 1;
  }
  if (last < 0) throw new Error(`no table above ${marker}`);
  lines.splice(last + 1, 0, ...rows);
  return lines.join('\n') + markdown.slice(at);
}
