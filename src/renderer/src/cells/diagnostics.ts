import type { Text } from '@codemirror/state';
import type { Diagnostic } from '@codemirror/lint';
import type { ConfigIssueDto } from '../../../shared/api';

/** Validator issues (1-based line/column) → CodeMirror diagnostics underlining the offending token. */
export function issuesToDiagnostics(doc: Text, issues: ConfigIssueDto[]): Diagnostic[] {
  return issues.map((issue) => {
    const lineNo = Math.min(Math.max(1, issue.line || 1), doc.lines);
    const line = doc.line(lineNo);
    const from = Math.min(line.from + Math.max(0, (issue.column || 1) - 1), line.to);
    const rest = doc.sliceString(from, line.to);
    const token = /^\S+/.exec(rest)?.[0].length ?? 0;
    // an empty line still needs a visible mark: underline to the line end (or one char)
    const to = token > 0 ? from + token : Math.max(line.to, Math.min(from + 1, doc.length));
    return {
      from,
      to,
      severity: 'error',
      source: 'config validator',
      message: issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    };
  });
}
