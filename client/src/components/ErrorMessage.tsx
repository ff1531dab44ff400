import { describeError } from "../api/problem";

/** Shows an API error (RFC 9457 problem details) or a network error in plain words. */
export function ErrorMessage({ error, label }: { error: unknown; label?: string }) {
  const description = describeError(error);
  return (
    <div role="alert" className="rounded-md border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900">
      {label ? <p className="font-semibold">{label}</p> : null}
      <p className="font-medium">{description.headline}</p>
      {description.detail ? <p className="mt-1 break-words">{description.detail}</p> : null}
      {description.fieldErrors.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {description.fieldErrors.map((item, index) => (
            <li key={`${item.field}-${index}`}>
              <span className="font-mono">{item.field}</span>: {item.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
