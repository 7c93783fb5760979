/** Run tool ids (pure: no imports, for schemas used anywhere). */

/** An upstream run's toolId is `<name>.bt`: never a catalog id (those have no dot), read as the file's name. */
export const UPSTREAM_TOOL_ID_SUFFIX = '.bt';

/** The toolId of any run or report item: a catalog id, or an upstream tool's `<name>.bt` (names as the host listing allows them). */
export const RUN_TOOL_ID_RE = /^(?:[a-z0-9-]{1,32}|[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}\.bt)$/;
