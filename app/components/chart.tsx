// The dashboard's charts: small SVGs drawn on the server and in the browser alike (decision 0020:
// no chart library). Each is an image with a label saying what it shows and a data-testid, and
// every point carries its value as a <title> (the browser's tooltip, and what a screen reader reads).

const W = 320;
const H = 120;
const PAD = { top: 16, right: 8, bottom: 20, left: 8 };

export interface ChartPoint {
  label: string; // the bucket, as the merchant reads it
  value: number | null; // null: nothing to measure in that bucket (a gap, not a zero)
}

export function LineChart(props: { points: ChartPoint[]; format: (n: number) => string; label: string; testId: string }) {
  const { points, format } = props;
  const values = points.flatMap((p) => (p.value === null ? [] : [p.value]));
  const max = Math.max(0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const x = (i: number) =>
    PAD.left + (points.length > 1 ? (i * (W - PAD.left - PAD.right)) / (points.length - 1) : (W - PAD.left - PAD.right) / 2);
  const y = (v: number) => PAD.top + (1 - (v - min) / span) * (H - PAD.top - PAD.bottom);
  // Consecutive measured points are joined; a bucket without a measure breaks the line.
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length) runs.push(run.join(" "));
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (run.length) runs.push(run.join(" "));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={props.label} data-testid={props.testId} data-points={points.length}>
      <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#c9cccf" strokeWidth="1" />
      <text x={PAD.left} y={11} fontSize="10" fill="#616161">
        {format(max)}
      </text>
      {runs.map((r) => (
        <polyline key={r} points={r} fill="none" stroke="#2c6ecb" strokeWidth="2" strokeLinejoin="round" />
      ))}
      {points.map((p, i) =>
        p.value === null ? null : (
          <circle key={p.label} cx={x(i)} cy={y(p.value)} r={points.length > 40 ? 1.5 : 3} fill="#2c6ecb">
            <title>{`${p.label}: ${format(p.value)}`}</title>
          </circle>
        ),
      )}
      {points.length > 0 && (
        <>
          <text x={PAD.left} y={H - 4} fontSize="10" fill="#616161">
            {points[0]!.label}
          </text>
          <text x={W - PAD.right} y={H - 4} fontSize="10" fill="#616161" textAnchor="end">
            {points[points.length - 1]!.label}
          </text>
        </>
      )}
    </svg>
  );
}

export function BarChart(props: { bars: Array<{ label: string; value: number; text: string }>; label: string; testId: string }) {
  const row = 22;
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const height = props.bars.length * row;
  return (
    <svg
      viewBox={`0 0 ${W} ${height}`}
      width="100%"
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      data-points={props.bars.length}
    >
      {props.bars.map((b, i) => (
        <g key={b.label}>
          <title>{`${b.label}: ${b.text}`}</title>
          <rect x={0} y={i * row + 12} width={(b.value / max) * W} height={8} rx={2} fill="#2c6ecb" />
          <text x={0} y={i * row + 9} fontSize="10" fill="#303030">
            {`${b.label} — ${b.text}`}
          </text>
        </g>
      ))}
    </svg>
  );
}
