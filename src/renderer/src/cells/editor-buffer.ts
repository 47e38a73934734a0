import { useState } from 'react';

/**
 * The editor's text: reset to the file's text whenever another file is loaded; `dirty` once it
 * differs from the file.
 */
export function useEditorBuffer(path: string | null, fileText: string | undefined) {
  const [state, setState] = useState<{ key: string; text: string }>({ key: '', text: '' });
  const key = `${path ?? ''}\u0000${fileText ?? ''}`;
  let text = state.text;
  if (fileText !== undefined && state.key !== key) {
    // adopt the newly loaded file during render (React's "adjust state on prop change" pattern)
    text = fileText;
    setState({ key, text });
  }
  return {
    text,
    setText: (t: string) => setState((s) => ({ ...s, text: t })),
    dirty: fileText !== undefined && text !== fileText,
  };
}
