import type { ReportResult } from "../api/types";
import { formatBytes, formatDuration } from "../lib/format";

/** Shows the rows, size, checksum, totals and per-category amounts of a generated report. */
export function ResultSummary({ result, title }: { result: ReportResult; title?: string }) {
  const categories = Object.entries(result.summary.by_category).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="flex flex-col gap-3 text-sm">
      {title ? <h4 className="font-semibold">{title}</h4> : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1">
        <dt className="text-slate-600">Rows</dt>
        <dd data-testid="result-rows">{result.rows.toLocaleString()}</dd>
        <dt className="text-slate-600">Size</dt>
        <dd>{formatBytes(result.size_bytes)}</dd>
        <dt className="text-slate-600">SHA-256</dt>
        <dd className="break-all font-mono text-xs">{result.sha256}</dd>
        <dt className="text-slate-600">Seed</dt>
        <dd className="font-mono text-xs">{String(result.seed)}</dd>
        <dt className="text-slate-600">Generated in</dt>
        <dd>{formatDuration(result.generated_in_ms)}</dd>
        <dt className="text-slate-600">Credits</dt>
        <dd className="font-mono">
          {result.summary.total_credits} ({result.summary.credit_count})
        </dd>
        <dt className="text-slate-600">Debits</dt>
        <dd className="font-mono">
          {result.summary.total_debits} ({result.summary.debit_count})
        </dd>
        <dt className="text-slate-600">Net</dt>
        <dd className="font-mono font-semibold">{result.summary.net}</dd>
      </dl>
      {categories.length > 0 ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">Net amount per category</caption>
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th scope="col" className="py-1 pr-3 font-medium">
                  Category
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Net amount
                </th>
              </tr>
            </thead>
            <tbody>
              {categories.map(([category, amount]) => (
                <tr key={category} className="border-b border-slate-100">
                  <td className="py-1 pr-3">{category}</td>
                  <td className="py-1 text-right font-mono">{amount}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <a
        href={result.download_url}
        download={result.file_name}
        className="self-start rounded-md border border-indigo-300 bg-indigo-50 px-3 py-1.5 font-medium text-indigo-800 hover:bg-indigo-100 focus:outline-none focus:ring-2 focus:ring-indigo-500"
      >
        Download CSV ({result.file_name})
      </a>
    </div>
  );
}
