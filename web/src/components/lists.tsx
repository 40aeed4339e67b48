// The lists every page shows the same way: a table of the API's nodes, one row each, with its
// states around it (the error as a sentence, loading, empty) and cursor pages underneath.
import type { ReactNode } from "react";
import { useQuery, type CombinedError, type RequestPolicy, type TypedDocumentNode } from "urql";
import type { PageCursorFragment } from "../gql/graphql";
import { toApiError } from "../lib/errors";
import { Section } from "./page";
import { Alert, Empty, Loading, Pager, usePages } from "./ui";

/** One column: its header, and what a row shows in it. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

interface DataTableProps<T> {
  rows: readonly T[];
  columns: readonly (Column<T> | false | null | undefined)[];
  rowKey: (row: T) => string;
  caption?: string;
  labelledBy?: string;
  /** The first column names each row (a metric, a rule): its cells are row headers. */
  rowHeaders?: boolean;
}

/** Rows as a table with a header per column. The caption is for screen readers (the section's
 * heading says it on screen); `labelledBy` names the table by a heading instead. */
export function DataTable<T>({ rows, columns, rowKey, caption, labelledBy, rowHeaders = false }: DataTableProps<T>) {
  const shown = columns.filter((c): c is Column<T> => Boolean(c));
  // A table wider than a phone scrolls in its own box, not the page; its links and buttons,
  // focused, scroll into view.
  return (
    <div className="table-scroll">
      <table aria-labelledby={labelledBy}>
        {caption ? <caption className="visually-hidden">{caption}</caption> : null}
        <thead>
          <tr>
            {shown.map((c) => (
              <th key={c.header} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {shown.map((c, i) =>
                rowHeaders && i === 0 ? (
                  <th key={c.header} scope="row">
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.header}>{c.cell(row)}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A titled section holding one table. */
export function TableSection<T>({ title, ...table }: { title: ReactNode } & DataTableProps<T>) {
  return (
    <Section title={title}>
      <DataTable {...table} />
    </Section>
  );
}

interface Connection<T> {
  nodes: readonly T[];
  pageInfo: PageCursorFragment;
}

interface PagedTableProps<T> {
  what: string;
  caption: string;
  result: { fetching: boolean; error?: CombinedError };
  connection?: Connection<T> | null;
  pages: ReturnType<typeof usePages>;
  empty?: ReactNode;
  columns: readonly (Column<T> | false | null | undefined)[];
}

/** A page of a connection as a table, a row a node (keyed by its id), with the list's states:
 * `result` is the query's (urql's `{ fetching, error }`), `connection` its field (undefined while
 * it loads); `empty` is said when there are no nodes; the pager goes underneath. */
export function PagedTable<T extends { id: string }>({
  what,
  caption,
  result: { fetching, error },
  connection,
  pages,
  empty,
  columns,
}: PagedTableProps<T>) {
  const nodes = connection?.nodes ?? [];
  return (
    <>
      {error ? <Alert error={toApiError(error)} /> : null}
      {fetching && !connection ? <Loading what={what} /> : null}
      {connection && nodes.length === 0 && empty ? <Empty>{empty}</Empty> : null}
      {nodes.length > 0 ? <DataTable caption={caption} rows={nodes} rowKey={(row) => row.id} columns={columns} /> : null}
      <Pager pages={pages} pageInfo={connection?.pageInfo} />
    </>
  );
}

/** A connection's query, page by page: `variables` with the page's cursor (`after`); `reload`
 * fetches the page shown again from the server (after the page changed the list). */
export function usePagedQuery<Q, V extends object>(
  query: TypedDocumentNode<Q, V & { after?: string | null }>,
  variables: V,
  requestPolicy?: RequestPolicy,
) {
  const pages = usePages();
  const [result, refetch] = useQuery({ query, variables: { ...variables, after: pages.after }, requestPolicy });
  return { pages, result, reload: () => refetch({ requestPolicy: "network-only" }) };
}

/** A titled section that lists a connection by pages: `query` runs with `variables` and the
 * page's cursor, and `connection` picks the listed field from its data. */
export function PagedSection<Q, V extends object, T extends { id: string }>({
  title,
  query,
  variables,
  connection,
  ...table
}: {
  title: string;
  query: TypedDocumentNode<Q, V & { after?: string | null }>;
  variables: V;
  connection: (data: Q) => Connection<T> | null | undefined;
} & Omit<PagedTableProps<T>, "result" | "connection" | "pages">) {
  const { pages, result } = usePagedQuery(query, variables);
  return (
    <Section title={title}>
      <PagedTable {...table} result={result} connection={result.data ? connection(result.data) : undefined} pages={pages} />
    </Section>
  );
}
