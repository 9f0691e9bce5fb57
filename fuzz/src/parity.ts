import { buildCase } from './cases';
import type { RunReport } from './run';

export interface Mismatch {
  index: number;
  category: string;
  answers: Record<string, string>;
}

/**
 * Cases whose first answer (status and body) differs between frameworks. Every run of one seed
 * sends the same bytes in the same order, so the same input should get the same answer.
 */
export function compareAnswers(reports: readonly RunReport[]): Mismatch[] {
  if (reports.length < 2) return [];
  const [first] = reports;
  const mismatches: Mismatch[] = [];
  for (const index of first?.answers.keys() ?? []) {
    const answers: Record<string, string> = {};
    for (const report of reports) {
      const answer = report.answers.get(index) ?? '(none)';
      // A success carries the run's own data (ids, emails): its status is what must agree.
      answers[report.framework] = answer.startsWith('2') ? answer.slice(0, 3) : answer;
    }
    if (new Set(Object.values(answers)).size > 1) {
      mismatches.push({ index, category: buildCase(first?.seed ?? 0, index).category, answers });
    }
  }
  return mismatches.sort((a, b) => a.index - b.index);
}
