/**
 * Eigen-decomposition of a small symmetric matrix (at most a few hundred wide) through ml-matrix's
 * EigenvalueDecomposition (Householder tridiagonalisation and the QL algorithm, from JAMA), with
 * the results sorted largest first and each vector's sign fixed, so the same matrix always gives
 * the same directions.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

export interface SymmetricEigen {
  /** Largest first. */
  values: number[];
  /** Unit vectors, vectors[i] belongs to values[i]; the largest-magnitude component is positive. */
  vectors: Float64Array[];
}

/** `gram` is [n, n] row-major and symmetric. */
export function symmetricEigen(gram: Float64Array, n: number): SymmetricEigen {
  const rows = Array.from({ length: n }, (_, i) => Array.from(gram.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const order = evd.realEigenvalues.map((value, i) => ({ value, i })).sort((a, b) => b.value - a.value);
  return {
    values: order.map((o) => o.value),
    vectors: order.map(({ i }) => {
      const col = Float64Array.from(v.getColumn(i));
      let big = 0;
      for (let k = 1; k < n; k++) if (Math.abs(col[k]) > Math.abs(col[big])) big = k;
      if (col[big] < 0) for (let k = 0; k < n; k++) col[k] = -col[k];
      return col;
    }),
  };
}
