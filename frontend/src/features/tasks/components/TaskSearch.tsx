import { useEffect, useState } from 'react';

/** How long typing pauses before the columns ask the API. */
export const searchDelayMs = 300;

/** The board's search box: reports the text once typing pauses (empty: no search). */
export function TaskSearch({ onSearch }: { onSearch: (text: string) => void }) {
  const [text, setText] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => onSearch(text.trim()), searchDelayMs);
    return () => clearTimeout(timer);
  }, [text, onSearch]);
  return (
    <search className="task-search">
      <label htmlFor="task-search">Search tasks</label>
      <input
        id="task-search"
        type="search"
        value={text}
        maxLength={200}
        placeholder="Words in the title or description"
        onChange={(e) => setText(e.target.value)}
      />
    </search>
  );
}
