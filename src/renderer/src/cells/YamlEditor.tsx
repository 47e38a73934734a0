import { useEffect, useRef } from 'react';
import { basicSetup } from 'codemirror';
import { EditorView } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';

export interface YamlEditorProps {
  value: string;
  onChange(text: string): void;
  /** Async validation (debounced by the linter); returns diagnostics for the given text. */
  lint(view: EditorView): Promise<Diagnostic[]>;
  label: string;
}

/**
 * CodeMirror 6 YAML editor (Tab is left to focus navigation for keyboard users);
 * external `value` changes (a newly loaded file) replace the buffer.
 */
export function YamlEditor({ value, onChange, lint, label }: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const callbacks = useRef({ onChange, lint });
  useEffect(() => {
    callbacks.current = { onChange, lint };
  });

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          yaml(),
          lintGutter(),
          linter((ev) => callbacks.current.lint(ev), { delay: 400 }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', role: 'textbox' }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // the editor is created once; value changes are applied below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
    }
  }, [value]);

  return <div ref={host} className="yaml-editor" data-testid="config-editor" />;
}
