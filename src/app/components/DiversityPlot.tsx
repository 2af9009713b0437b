/** The spread of samples at each truncation as a small line plot: diversity falls as t falls. */
const W = 220;
const H = 110;
const PAD = { left: 34, right: 8, top: 8, bottom: 26 };

export function DiversityPlot({
  truncations,
  spread,
  current,
  seeds,
}: {
  truncations: readonly number[];
  spread: (number | null)[];
  current: number;
  seeds: number;
}) {
  const known = spread.filter((v): v is number => v !== null);
  const top = Math.max(0.05, Math.ceil(Math.max(0, ...known) * 20) / 20);
  const x = (t: number) => PAD.left + t * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const points = truncations.flatMap((t, i) => (spread[i] === null ? [] : [[x(t), y(spread[i]!)] as const]));
  const summary = truncations
    .map((t, i) => `t ${t.toFixed(2)}: ${spread[i] === null ? 'pending' : spread[i]!.toFixed(3)}`)
    .join(', ');
  return (
    <figure className="diversity">
      <svg
        data-testid="diversity-plot"
        data-values={spread.map((v) => (v === null ? '' : v.toFixed(4))).join(',')}
        viewBox={`0 0 ${W} ${H}`}
        width={W}
        height={H}
        role="img"
        aria-label={`Spread of ${seeds} seeds at each truncation (mean per-pixel standard deviation): ${summary}`}
      >
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <line className="now" x1={x(current)} y1={PAD.top} x2={x(current)} y2={H - PAD.bottom} />
        {[0, 0.5, 1].map((t) => (
          <text key={t} x={x(t)} y={H - PAD.bottom + 12} textAnchor="middle">
            {t}
          </text>
        ))}
        <text x={PAD.left - 4} y={y(top) + 4} textAnchor="end">
          {top.toFixed(2)}
        </text>
        <text x={PAD.left - 4} y={y(0) + 4} textAnchor="end">
          0
        </text>
        <text x={(PAD.left + W - PAD.right) / 2} y={H - 2} textAnchor="middle">
          truncation t
        </text>
        {points.length > 1 && <polyline className="curve" points={points.map((p) => p.join(',')).join(' ')} />}
        {points.map(([px, py], i) => (
          <circle key={i} className="dot" cx={px} cy={py} r={2.5} />
        ))}
      </svg>
      <figcaption className="help">Spread of {seeds} seeds (mean per-pixel standard deviation)</figcaption>
    </figure>
  );
}
