// d3-flame-graph ships no types; FlameGraph.tsx narrows what it uses.
declare module 'd3-flame-graph';
declare module 'd3-flame-graph/dist/d3-flamegraph.css';
