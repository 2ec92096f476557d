;; The fused engine's dense kernels and Adam update in WebAssembly SIMD (f32x4), float32.
;; Pointers are byte offsets into the module's own memory; strides and sizes count elements.
;; Compiled by `npm run build:wasm` (scripts/build-wasm.mjs, wabt) into kernelsWasm.ts, and
;; again into kernelsFmaWasm.ts with each one-line matmul accumulation
;; `(f32x4.add (local.get $cN) (f32x4.mul (local.get $x) (local.get $y)))` rewritten to a
;; relaxed-SIMD fused multiply-add: keep the inner loops' accumulations in that form.
;; The JavaScript versions in jsKernels.ts are the reference; __tests__/kernels.test.ts and
;; __tests__/kernels.props.test.ts check these against them, tails included (sizes that are
;; not multiples of 4). wasmKernels.ts types these exports and stages their operands.
;; There is no matmul for the input projection x · W of one-hot inputs: a one-hot row times W
;; is a row of W, so `onehot` adds that row to z (and, backward, a row of dz to a row of dW).
(module
  ;; The caller makes the memory (wasmKernels.ts: sized to the resident arrays, with a maximum),
  ;; so it can fall back to JavaScript when the memory cannot be had.
  (import "env" "memory" (memory 1))

  ;; out[r, j] += sum_k A(r, k) * W[k, j], with A(r, k) = A[r * sar + k * sak].
  ;; sar = inner, sak = 1 is A · W; sar = 1, sak = rows' is A^T · W (the weight gradient).
  ;; A register tile of 4 rows x 8 columns: out[r..r+3, j..j+7] is loaded into eight
  ;; accumulators, every k adds A(r.., k) * W[k, j..j+7] (each W load serves four rows), and the
  ;; tile is stored once. Rows past the last (rows % 4) repeat the last row: they compute the
  ;; same values from the same operands and store them to the same place. Columns past the
  ;; last are computed from whatever follows W's and out's rows (up to 28 bytes past their
  ;; ends: wasmKernels.ts's GUARD) and not stored.
  (func (export "mmadd")
    (param $A i32) (param $sar i32) (param $sak i32) (param $W i32) (param $out i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (local $r i32) (local $j i32) (local $n i32) (local $p i32) (local $w i32) (local $end i32)
    (local $rowBytes i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $wa v128) (local $wb v128) (local $x v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $sar (i32.shl (local.get $sar) (i32.const 2)))
    (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))
    (local.set $end (i32.mul (local.get $inner) (local.get $sak)))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $a0 (call $row (local.get $r) (local.get $rows)))
        (local.set $a1 (call $row (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
        (local.set $a2 (call $row (i32.add (local.get $r) (i32.const 2)) (local.get $rows)))
        (local.set $a3 (call $row (i32.add (local.get $r) (i32.const 3)) (local.get $rows)))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $a0) (local.get $rowBytes))))
        (local.set $o1 (i32.add (local.get $out) (i32.mul (local.get $a1) (local.get $rowBytes))))
        (local.set $o2 (i32.add (local.get $out) (i32.mul (local.get $a2) (local.get $rowBytes))))
        (local.set $o3 (i32.add (local.get $out) (i32.mul (local.get $a3) (local.get $rowBytes))))
        (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $a0) (local.get $sar))))
        (local.set $a1 (i32.add (local.get $A) (i32.mul (local.get $a1) (local.get $sar))))
        (local.set $a2 (i32.add (local.get $A) (i32.mul (local.get $a2) (local.get $sar))))
        (local.set $a3 (i32.add (local.get $A) (i32.mul (local.get $a3) (local.get $sar))))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $c0 (v128.load (i32.add (local.get $o0) (local.get $j))))
            (local.set $c1 (v128.load offset=16 (i32.add (local.get $o0) (local.get $j))))
            (local.set $c2 (v128.load (i32.add (local.get $o1) (local.get $j))))
            (local.set $c3 (v128.load offset=16 (i32.add (local.get $o1) (local.get $j))))
            (local.set $c4 (v128.load (i32.add (local.get $o2) (local.get $j))))
            (local.set $c5 (v128.load offset=16 (i32.add (local.get $o2) (local.get $j))))
            (local.set $c6 (v128.load (i32.add (local.get $o3) (local.get $j))))
            (local.set $c7 (v128.load offset=16 (i32.add (local.get $o3) (local.get $j))))
            (local.set $w (i32.add (local.get $W) (local.get $j)))
            (local.set $p (i32.const 0))
            (block $kDone
              (br_if $kDone (i32.ge_u (local.get $p) (local.get $end)))
              (loop $kLoop
                (local.set $wa (v128.load (local.get $w)))
                (local.set $wb (v128.load offset=16 (local.get $w)))
                (local.set $x (v128.load32_splat (i32.add (local.get $a0) (local.get $p))))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x) (local.get $wa))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (local.get $wb))))
                (local.set $x (v128.load32_splat (i32.add (local.get $a1) (local.get $p))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $x) (local.get $wa))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $x) (local.get $wb))))
                (local.set $x (v128.load32_splat (i32.add (local.get $a2) (local.get $p))))
                (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $x) (local.get $wa))))
                (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $x) (local.get $wb))))
                (local.set $x (v128.load32_splat (i32.add (local.get $a3) (local.get $p))))
                (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $x) (local.get $wa))))
                (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $x) (local.get $wb))))
                (local.set $w (i32.add (local.get $w) (local.get $rowBytes)))
                (br_if $kLoop
                  (i32.lt_u (local.tee $p (i32.add (local.get $p) (local.get $sak))) (local.get $end)))))
            ;; Stores in reverse row order (repeated rows hold equal values either way).
            (local.set $n (i32.shr_s (i32.sub (local.get $rowBytes) (local.get $j)) (i32.const 2)))
            (if (i32.ge_s (local.get $n) (i32.const 8))
              (then
                (local.set $o3 (i32.add (local.get $o3) (local.get $j)))
                (v128.store (local.get $o3) (local.get $c6))
                (v128.store offset=16 (local.get $o3) (local.get $c7))
                (local.set $o3 (i32.sub (local.get $o3) (local.get $j)))
                (local.set $o2 (i32.add (local.get $o2) (local.get $j)))
                (v128.store (local.get $o2) (local.get $c4))
                (v128.store offset=16 (local.get $o2) (local.get $c5))
                (local.set $o2 (i32.sub (local.get $o2) (local.get $j)))
                (local.set $o1 (i32.add (local.get $o1) (local.get $j)))
                (v128.store (local.get $o1) (local.get $c2))
                (v128.store offset=16 (local.get $o1) (local.get $c3))
                (local.set $o1 (i32.sub (local.get $o1) (local.get $j)))
                (local.set $o0 (i32.add (local.get $o0) (local.get $j)))
                (v128.store (local.get $o0) (local.get $c0))
                (v128.store offset=16 (local.get $o0) (local.get $c1))
                (local.set $o0 (i32.sub (local.get $o0) (local.get $j)))
                (local.set $j (i32.add (local.get $j) (i32.const 32)))
                (br $jLoop)))
            (call $put2 (i32.add (local.get $o3) (local.get $j)) (local.get $c6) (local.get $c7) (local.get $n))
            (call $put2 (i32.add (local.get $o2) (local.get $j)) (local.get $c4) (local.get $c5) (local.get $n))
            (call $put2 (i32.add (local.get $o1) (local.get $j)) (local.get $c2) (local.get $c3) (local.get $n))
            (call $put2 (i32.add (local.get $o0) (local.get $j)) (local.get $c0) (local.get $c1) (local.get $n))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $jLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rLoop))))

  ;; One Adam step over the first n & ~3 of n values (wasmKernels.ts does the last n % 4), in
  ;; tfjs's order of float32 operations:
  ;; m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p = (m / c1) / (sqrt(v / c2) + eps) * -lr + p,
  ;; with g = g + g2 first when $has2 (another thread's gradient). g (and g2) are zeroed after
  ;; use: the next batch accumulates into them from zero.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $g2 i32) (param $has2 i32) (param $m i32) (param $v i32)
    (param $n i32)
    (param $b1 f32) (param $ob1 f32) (param $b2 f32) (param $ob2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $vecEnd i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $OB1 v128) (local $B2 v128) (local $OB2 v128)
    (local $C1 v128) (local $C2 v128) (local $EPS v128) (local $NLR v128)
    (local.set $vecEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $OB1 (f32x4.splat (local.get $ob1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $OB2 (f32x4.splat (local.get $ob2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $NLR (f32x4.splat (local.get $nlr)))
    (block $vDone
      (loop $vLoop
        (br_if $vDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (v128.store (i32.add (local.get $g) (local.get $i)) (v128.const i32x4 0 0 0 0))
        (if (local.get $has2)
          (then
            (local.set $gv (f32x4.add (local.get $gv) (v128.load (i32.add (local.get $g2) (local.get $i)))))
            (v128.store (i32.add (local.get $g2) (local.get $i)) (v128.const i32x4 0 0 0 0))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1))
            (f32x4.mul (local.get $gv) (local.get $OB1))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $OB2))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $vv))
        (v128.store
          (i32.add (local.get $p) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $C1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $C2))) (local.get $EPS)))
              (local.get $NLR))
            (v128.load (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vLoop))))

  ;; dA[r, k] = sum_j dOut[r, j] * W[k, j]   (dA = dOut · W^T; dA is [rows, inner]).
  ;; Blocks of 2 rows of dOut by 4 rows of W: eight dot products at once, each load of
  ;; W[k, j..j+3] serving two rows of dOut and each load of dOut[r, j..j+3] four rows of W.
  ;; $hsum4 turns a row's four accumulators into the vector dA[r, k..k+3]; the last cols % 4
  ;; columns are added to it one at a time (W[k..k+3, j] gathered into a vector). Rows past the
  ;; last (rows % 2, inner % 4) repeat the last one: a repeated row of dOut stores equal values
  ;; to the same place, a repeated row of W values that are not stored.
  (func (export "mmabt")
    (param $dOut i32) (param $W i32) (param $dA i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $j i32) (local $rowBytes i32) (local $vecBytes i32)
    (local $d0 i32) (local $d1 i32) (local $e0 i32) (local $e1 i32)
    (local $u0 i32) (local $u1 i32) (local $u2 i32) (local $u3 i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $e0 (call $row (local.get $r) (local.get $rows)))
        (local.set $e1 (call $row (i32.add (local.get $r) (i32.const 1)) (local.get $rows)))
        (local.set $d0 (i32.add (local.get $dOut) (i32.mul (local.get $e0) (local.get $rowBytes))))
        (local.set $d1 (i32.add (local.get $dOut) (i32.mul (local.get $e1) (local.get $rowBytes))))
        (local.set $e0 (i32.add (local.get $dA) (i32.shl (i32.mul (local.get $e0) (local.get $inner)) (i32.const 2))))
        (local.set $e1 (i32.add (local.get $dA) (i32.shl (i32.mul (local.get $e1) (local.get $inner)) (i32.const 2))))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $inner)))
            (local.set $u0 (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $rowBytes))))
            (local.set $u1 (i32.add (local.get $u0) (select (local.get $rowBytes) (i32.const 0) (i32.lt_u (i32.add (local.get $k) (i32.const 1)) (local.get $inner)))))
            (local.set $u2 (i32.add (local.get $u1) (select (local.get $rowBytes) (i32.const 0) (i32.lt_u (i32.add (local.get $k) (i32.const 2)) (local.get $inner)))))
            (local.set $u3 (i32.add (local.get $u2) (select (local.get $rowBytes) (i32.const 0) (i32.lt_u (i32.add (local.get $k) (i32.const 3)) (local.get $inner)))))
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $c1 (local.get $c0)) (local.set $c2 (local.get $c0)) (local.set $c3 (local.get $c0))
            (local.set $c4 (local.get $c0)) (local.set $c5 (local.get $c0)) (local.set $c6 (local.get $c0))
            (local.set $c7 (local.get $c0))
            (local.set $j (i32.const 0))
            (block $jDone
              (br_if $jDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
              (loop $jLoop
                (local.set $x0 (v128.load (i32.add (local.get $d0) (local.get $j))))
                (local.set $x1 (v128.load (i32.add (local.get $d1) (local.get $j))))
                (local.set $y (v128.load (i32.add (local.get $u0) (local.get $j))))
                (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $u1) (local.get $j))))
                (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $u2) (local.get $j))))
                (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $x1) (local.get $y))))
                (local.set $y (v128.load (i32.add (local.get $u3) (local.get $j))))
                (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $x0) (local.get $y))))
                (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $x1) (local.get $y))))
                (br_if $jLoop
                  (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $vecBytes)))))
            (local.set $c0 (call $hsum4 (local.get $c0) (local.get $c1) (local.get $c2) (local.get $c3)))
            (local.set $c4 (call $hsum4 (local.get $c4) (local.get $c5) (local.get $c6) (local.get $c7)))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $y (v128.load32_zero (i32.add (local.get $u0) (local.get $j))))
                (local.set $y (v128.load32_lane 1 (i32.add (local.get $u1) (local.get $j)) (local.get $y)))
                (local.set $y (v128.load32_lane 2 (i32.add (local.get $u2) (local.get $j)) (local.get $y)))
                (local.set $y (v128.load32_lane 3 (i32.add (local.get $u3) (local.get $j)) (local.get $y)))
                (local.set $c0 (f32x4.add (local.get $c0)
                  (f32x4.mul (v128.load32_splat (i32.add (local.get $d0) (local.get $j))) (local.get $y))))
                (local.set $c4 (f32x4.add (local.get $c4)
                  (f32x4.mul (v128.load32_splat (i32.add (local.get $d1) (local.get $j))) (local.get $y))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $tLoop)))
            ;; The second row first: when it repeats the first, both store equal values.
            (local.set $j (i32.shl (local.get $k) (i32.const 2)))
            (if (i32.lt_u (i32.add (local.get $k) (i32.const 3)) (local.get $inner))
              (then
                (v128.store (i32.add (local.get $e1) (local.get $j)) (local.get $c4))
                (v128.store (i32.add (local.get $e0) (local.get $j)) (local.get $c0)))
              (else
                (call $put (i32.add (local.get $e1) (local.get $j)) (local.get $c4) (i32.sub (local.get $inner) (local.get $k)))
                (call $put (i32.add (local.get $e0) (local.get $j)) (local.get $c0) (i32.sub (local.get $inner) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $rLoop))))

  ;; min(i, n - 1): row i of n, rows past the last repeating it.
  (func $row (param $i i32) (param $n i32) (result i32)
    (select (local.get $i) (i32.sub (local.get $n) (i32.const 1))
      (i32.lt_u (local.get $i) (local.get $n))))

  ;; The sums of a's, b's, c's and d's lanes, as lanes 0, 1, 2, 3: (v0 + v2) + (v1 + v3).
  (func $hsum4 (param $a v128) (param $b v128) (param $c v128) (param $d v128) (result v128)
    (local.set $a
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b))))
    (local.set $c
      (f32x4.add
        (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $c) (local.get $d))
        (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $c) (local.get $d))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a) (local.get $c))
      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a) (local.get $c))))

  ;; Stores the first n (>= 1) lanes of a then of b (8 values) at addr.
  (func $put2 (param $addr i32) (param $a v128) (param $b v128) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 8))
      (then
        (v128.store (local.get $addr) (local.get $a))
        (v128.store offset=16 (local.get $addr) (local.get $b))
        (return)))
    (call $put (local.get $addr) (local.get $a) (local.get $n))
    (if (i32.gt_u (local.get $n) (i32.const 4))
      (then (call $put (i32.add (local.get $addr) (i32.const 16)) (local.get $b)
        (i32.sub (local.get $n) (i32.const 4))))))

  ;; dst[j] += sum_r src[r, j] for src [rows, cols]: a bias gradient.
  (func $colsum (export "colsum") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $j i32) (local $row i32) (local $rowBytes i32) (local $vecBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $src) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
            (v128.store (i32.add (local.get $dst) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $j)))
                (v128.load (i32.add (local.get $row) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (block $tDone
          (loop $tLoop
            (br_if $tDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $dst) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $dst) (local.get $j)))
                (f32.load (i32.add (local.get $row) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $tLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop))))

;; ---- One-hot inputs: a one-hot row times W is a row of W, so it is looked up, not multiplied.

  ;; For every row r < rows and each of its k ids (i32, -1 for none) id = idx[r * k + j]:
  ;; when $scatter is 0, out[r, :] += W[id, :] (the forward product of a one-hot row);
  ;; when 1, W[id, :] += out[r, :] (its weight gradient, dW[id] += dOut[r], rows in order).
  (func (export "onehot")
    (param $idx i32) (param $k i32) (param $W i32) (param $out i32) (param $rows i32)
    (param $cols i32) (param $scatter i32)
    (local $r i32) (local $p i32) (local $end i32) (local $id i32) (local $row i32)
    (local $w i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.shl (i32.mul (local.get $rows) (local.get $k)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $id (i32.load (i32.add (local.get $idx) (local.get $p))))
        (if (i32.ge_s (local.get $id) (i32.const 0))
          (then
            (local.set $row
              (i32.add (local.get $out)
                (i32.mul (i32.div_u (i32.shr_u (local.get $p) (i32.const 2)) (local.get $k))
                  (local.get $bytes))))
            (local.set $w (i32.add (local.get $W) (i32.mul (local.get $id) (local.get $bytes))))
            ;; A row added to a row is colsum over one row.
            (if (local.get $scatter)
              (then (call $colsum (local.get $row) (local.get $w) (i32.const 1) (local.get $cols)))
              (else (call $colsum (local.get $w) (local.get $row) (i32.const 1) (local.get $cols))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $next))))

  ;; ---- The LSTM cell, elementwise, four units at a time. Vectors past a row's last unit
  ;; read (but never write) up to three values beyond it; $put stores only the live lanes.

  ;; Stores the first n (>= 1) lanes of v at addr.
  (func $put (param $addr i32) (param $v v128) (param $n i32)
    (if (i32.ge_u (local.get $n) (i32.const 4))
      (then (v128.store (local.get $addr) (local.get $v)) (return)))
    (v128.store32_lane 0 (local.get $addr) (local.get $v))
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then (v128.store32_lane offset=4 1 (local.get $addr) (local.get $v))))
    (if (i32.gt_u (local.get $n) (i32.const 2))
      (then (v128.store32_lane offset=8 2 (local.get $addr) (local.get $v)))))

  ;; Its derivative, from the pre-activation z and the gate's value s: when $sig, s (1 - s)
  ;; (tfjs's sigmoid gradient, from the output); else hardSigmoid's as tfjs's clipByValue
  ;; passes it: 0.2 where 0 <= 0.2 z + 0.5 <= 1 (inclusive), else 0.
  (func $actg (param $z v128) (param $s v128) (param $sig i32) (result v128)
    (local $y v128)
    (if (result v128) (local.get $sig)
      (then
        (f32x4.mul (local.get $s) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $s))))
      (else
        (local.set $y
          (f32x4.add (f32x4.mul (local.get $z) (v128.const f32x4 0.2 0.2 0.2 0.2))
            (v128.const f32x4 0.5 0.5 0.5 0.5)))
        (v128.and
          (v128.and
            (f32x4.ge (local.get $y) (v128.const f32x4 0 0 0 0))
            (f32x4.le (local.get $y) (v128.const f32x4 1 1 1 1)))
          (v128.const f32x4 0.2 0.2 0.2 0.2)))))

  ;; dst[0 .. n) = act(src[0 .. n)), four at a time, for the LSTM cell; when $mode has bit 4,
  ;; first src += bias, stored back (the pre-activation the backward step reads). act by
  ;; $mode & 3: 0: tanh; 1: the sigmoid 1 / (1 + exp(-x)), as 0.5 tanh(0.5 x) + 0.5 (the identity is exact;
  ;; tanh's few-ulp error halves, so within 3e-7 of the float32 sigmoid); 2: hardSigmoid(x) =
  ;; clip(0.2 x + 0.5, 0, 1), in float32 as tfjs computes it.
  ;; tanh is the rational approximation Eigen (TensorFlow's CPU kernels) uses for float32:
  ;; within a few ulp of the true value; exactly x for |x| < 0.0004. It is written out in this
  ;; loop, not called: V8 does not inline WebAssembly calls, and a call per vector cost more
  ;; than the arithmetic.
  (func $acts (export "acts") (param $src i32) (param $bias i32) (param $dst i32) (param $n i32) (param $mode i32)
    (local $i i32) (local $end i32) (local $left i32) (local $add i32)
    (local $a v128) (local $x v128) (local $x2 v128) (local $p v128) (local $q v128)
    (local $half v128)
    ;; The constants, splatted once (smaller than a v128.const at each use).
    (local $k1 v128) (local $k2 v128) (local $k3 v128) (local $k4 v128) (local $k5 v128) (local $k6 v128) (local $k7 v128) (local $k8 v128) (local $k9 v128) (local $k10 v128) (local $k11 v128) (local $k12 v128) (local $k13 v128) (local $k14 v128) (local $k15 v128) (local $k16 v128) (local $k17 v128)
    (local.set $half (f32x4.splat (f32.const 0.5)))
    (local.set $k1 (f32x4.splat (f32.const 0.2)))
    (local.set $k2 (f32x4.splat (f32.const 0)))
    (local.set $k3 (f32x4.splat (f32.const 1)))
    (local.set $k4 (f32x4.splat (f32.const 7.90531110763549805)))
    (local.set $k5 (f32x4.splat (f32.const -7.90531110763549805)))
    (local.set $k6 (f32x4.splat (f32.const -2.76076847742355e-16)))
    (local.set $k7 (f32x4.splat (f32.const 2.00018790482477e-13)))
    (local.set $k8 (f32x4.splat (f32.const -8.60467152213735e-11)))
    (local.set $k9 (f32x4.splat (f32.const 5.12229709037114e-08)))
    (local.set $k10 (f32x4.splat (f32.const 1.48572235717979e-05)))
    (local.set $k11 (f32x4.splat (f32.const 6.37261928875436e-04)))
    (local.set $k12 (f32x4.splat (f32.const 4.89352455891786e-03)))
    (local.set $k13 (f32x4.splat (f32.const 1.19825839466702e-06)))
    (local.set $k14 (f32x4.splat (f32.const 1.18534705686654e-04)))
    (local.set $k15 (f32x4.splat (f32.const 2.26843463243900e-03)))
    (local.set $k16 (f32x4.splat (f32.const 4.89352518554385e-03)))
    (local.set $k17 (f32x4.splat (f32.const 0.0004)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $add (i32.and (local.get $mode) (i32.const 4)))
    (local.set $mode (i32.and (local.get $mode) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $left (i32.shr_u (i32.sub (local.get $end) (local.get $i)) (i32.const 2)))
        (local.set $a (v128.load (i32.add (local.get $src) (local.get $i))))
        (if (local.get $add)
          (then
            (local.set $a
              (f32x4.add (local.get $a) (v128.load (i32.add (local.get $bias) (local.get $i)))))
            ;; A whole vector stored here; only the last (if partial) through $put.
            (if (i32.ge_u (local.get $left) (i32.const 4))
              (then (v128.store (i32.add (local.get $src) (local.get $i)) (local.get $a)))
              (else (call $put (i32.add (local.get $src) (local.get $i)) (local.get $a) (local.get $left))))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then
            (local.set $a
              (f32x4.min
                (f32x4.max
                  (f32x4.add (f32x4.mul (local.get $a) (local.get $k1))
                    (local.get $half))
                  (local.get $k2))
                (local.get $k3))))
          (else
            (if (local.get $mode) (then (local.set $a (f32x4.mul (local.get $a) (local.get $half)))))
          (local.set $x
            (f32x4.max
              (f32x4.min (local.get $a) (local.get $k4))
              (local.get $k5)))
          (local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))
          (local.set $p
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $k6))
              (local.get $k7)))
          (local.set $p
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
              (local.get $k8)))
          (local.set $p
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
              (local.get $k9)))
          (local.set $p
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
              (local.get $k10)))
          (local.set $p
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
              (local.get $k11)))
          (local.set $p
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $p))
              (local.get $k12)))
          (local.set $p (f32x4.mul (local.get $x) (local.get $p)))
          (local.set $q
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $k13))
              (local.get $k14)))
          (local.set $q
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $q))
              (local.get $k15)))
          (local.set $q
            (f32x4.add (f32x4.mul (local.get $x2) (local.get $q))
              (local.get $k16)))
            (local.set $a
              (v128.bitselect
                (local.get $a)
                (f32x4.div (local.get $p) (local.get $q))
                (f32x4.lt (f32x4.abs (local.get $a)) (local.get $k17))))
            (if (local.get $mode)
              (then
                (local.set $a
                  (f32x4.add (f32x4.mul (local.get $a) (local.get $half)) (local.get $half)))))))
        (if (i32.ge_u (local.get $left) (i32.const 4))
          (then (v128.store (i32.add (local.get $dst) (local.get $i)) (local.get $a)))
          (else (call $put (i32.add (local.get $dst) (local.get $i)) (local.get $a) (local.get $left))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; One forward step of the cell for [batch, u] units. z [batch, 4u] gets the bias added (and
  ;; is kept); gates [batch, 4u] receive i, f, g, o; c, tc = tanh(c) and h [batch, u].
  ;; Gates i, f, o are sigmoids when $sig, else hardSigmoids. In passes: each row's gates, each
  ;; row's c, tanh of every c at once, each row's h.
  (func (export "lstmfwd")
    (param $z i32) (param $bias i32) (param $cPrev i32) (param $gates i32)
    (param $c i32) (param $tc i32) (param $h i32) (param $batch i32) (param $u i32)
    (param $sig i32)
    (local $b i32) (local $k i32) (local $q i32) (local $ub i32) (local $zr i32) (local $gr i32)
    (local $sr i32) (local $mode i32)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    ;; Sigmoid or hardSigmoid gates, their pre-activations getting the bias (see $acts).
    (local.set $mode (i32.sub (i32.const 6) (local.get $sig)))
    (block $bDone
      (loop $bLoop
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $zr (i32.mul (i32.shl (local.get $b) (i32.const 2)) (local.get $ub)))
        (local.set $gr (i32.add (local.get $gates) (local.get $zr)))
        (local.set $zr (i32.add (local.get $z) (local.get $zr)))
        (local.set $q (i32.const 0))
        (block $qDone
          (loop $qLoop
            (br_if $qDone (i32.ge_u (local.get $q) (i32.const 4)))
            (local.set $k (i32.mul (local.get $q) (local.get $ub)))
            ;; Gate g (the third) is a tanh.
            (call $acts
              (i32.add (local.get $zr) (local.get $k))
              (i32.add (local.get $bias) (local.get $k))
              (i32.add (local.get $gr) (local.get $k))
              (local.get $u)
              (select (i32.const 4) (local.get $mode) (i32.eq (local.get $q) (i32.const 2))))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $qLoop)))
        ;; c = f cPrev + i g.
        (local.set $sr (i32.mul (local.get $b) (local.get $ub)))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_s (local.get $k) (local.get $ub)))
            (local.set $q (i32.add (local.get $gr) (local.get $k)))
            (call $put (i32.add (i32.add (local.get $c) (local.get $sr)) (local.get $k))
              (f32x4.add
                (f32x4.mul (v128.load (i32.add (local.get $q) (local.get $ub)))
                  (v128.load (i32.add (i32.add (local.get $cPrev) (local.get $sr)) (local.get $k))))
                (f32x4.mul (v128.load (local.get $q))
                  (v128.load (i32.add (local.get $q) (i32.shl (local.get $ub) (i32.const 1))))))
              (i32.shr_u (i32.sub (local.get $ub) (local.get $k)) (i32.const 2)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $kLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bLoop)))
    (call $acts (local.get $c) (i32.const 0) (local.get $tc)
      (i32.mul (local.get $batch) (local.get $u)) (i32.const 0))
    ;; h = o tanh(c).
    (local.set $b (i32.const 0))
    (block $hDone
      (loop $hLoop
        (br_if $hDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $sr (i32.mul (local.get $b) (local.get $ub)))
        (local.set $gr
          (i32.add (local.get $gates)
            (i32.add (i32.shl (local.get $sr) (i32.const 2)) (i32.mul (local.get $ub) (i32.const 3)))))
        (local.set $k (i32.const 0))
        (block $kDone2
          (loop $kLoop2
            (br_if $kDone2 (i32.ge_s (local.get $k) (local.get $ub)))
            (call $put (i32.add (i32.add (local.get $h) (local.get $sr)) (local.get $k))
              (f32x4.mul (v128.load (i32.add (local.get $gr) (local.get $k)))
                (v128.load (i32.add (i32.add (local.get $tc) (local.get $sr)) (local.get $k))))
              (i32.shr_u (i32.sub (local.get $ub) (local.get $k)) (i32.const 2)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $kLoop2)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $hLoop))))

  ;; One backward step of the cell: from dh = dhNext + dH (dH only when hasDH), dcNext and the
  ;; forward values, the pre-activation gradient dz [batch, 4u] and dcPrev [batch, u]; $sig
  ;; as in the forward step.
  (func (export "lstmbwd")
    (param $z i32) (param $gates i32) (param $tc i32) (param $cPrev i32)
    (param $dhNext i32) (param $dH i32) (param $hasDH i32) (param $dcNext i32)
    (param $dz i32) (param $dcPrev i32) (param $batch i32) (param $u i32) (param $sig i32)
    (local $b i32) (local $k i32) (local $n i32) (local $ub i32) (local $zr i32) (local $gr i32)
    (local $dr i32) (local $sr i32)
    (local $dh v128) (local $dc v128) (local $tv v128) (local $i v128) (local $f v128) (local $g v128)
    (local $o v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local.set $ub (i32.shl (local.get $u) (i32.const 2)))
    (block $bDone
      (loop $bLoop
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_s (local.get $k) (local.get $ub)))
            (local.set $n (i32.shr_u (i32.sub (local.get $ub) (local.get $k)) (i32.const 2)))
            (local.set $sr (i32.add (i32.mul (local.get $b) (local.get $ub)) (local.get $k)))
            (local.set $zr (i32.add (i32.shl (i32.mul (local.get $b) (local.get $ub)) (i32.const 2)) (local.get $k)))
            (local.set $gr (i32.add (local.get $gates) (local.get $zr)))
            (local.set $dr (i32.add (local.get $dz) (local.get $zr)))
            (local.set $zr (i32.add (local.get $z) (local.get $zr)))
            (local.set $dh (v128.load (i32.add (local.get $dhNext) (local.get $sr))))
            (if (local.get $hasDH)
              (then (local.set $dh (f32x4.add (local.get $dh) (v128.load (i32.add (local.get $dH) (local.get $sr)))))))
            (local.set $i (v128.load (local.get $gr)))
            (local.set $f (v128.load (i32.add (local.get $gr) (local.get $ub))))
            (local.set $g (v128.load (i32.add (local.get $gr) (i32.shl (local.get $ub) (i32.const 1)))))
            (local.set $o (v128.load (i32.add (local.get $gr) (i32.mul (local.get $ub) (i32.const 3)))))
            (local.set $tv (v128.load (i32.add (local.get $tc) (local.get $sr))))
            (local.set $dc
              (f32x4.add (v128.load (i32.add (local.get $dcNext) (local.get $sr)))
                (f32x4.mul (f32x4.mul (local.get $dh) (local.get $o))
                  (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $tv) (local.get $tv))))))
            (local.set $v0
              (f32x4.mul (f32x4.mul (local.get $dc) (local.get $g))
                (call $actg (v128.load (local.get $zr)) (local.get $i) (local.get $sig))))
            (local.set $v1
              (f32x4.mul
                (f32x4.mul (local.get $dc) (v128.load (i32.add (local.get $cPrev) (local.get $sr))))
                (call $actg (v128.load (i32.add (local.get $zr) (local.get $ub)))
                  (local.get $f) (local.get $sig))))
            (local.set $v2
              (f32x4.mul (f32x4.mul (local.get $dc) (local.get $i))
                (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $g) (local.get $g)))))
            (local.set $v3
              (f32x4.mul (f32x4.mul (local.get $dh) (local.get $tv))
                (call $actg (v128.load (i32.add (local.get $zr) (i32.mul (local.get $ub) (i32.const 3))))
                  (local.get $o) (local.get $sig))))
            (local.set $dc (f32x4.mul (local.get $dc) (local.get $f)))
            ;; Whole vectors stored here; only the last (if partial) through $put.
            (if (i32.ge_u (local.get $n) (i32.const 4))
              (then
                (v128.store (local.get $dr) (local.get $v0))
                (v128.store (i32.add (local.get $dr) (local.get $ub)) (local.get $v1))
                (v128.store (i32.add (local.get $dr) (i32.shl (local.get $ub) (i32.const 1))) (local.get $v2))
                (v128.store (i32.add (local.get $dr) (i32.mul (local.get $ub) (i32.const 3))) (local.get $v3))
                (v128.store (i32.add (local.get $dcPrev) (local.get $sr)) (local.get $dc)))
              (else
                (call $put (local.get $dr) (local.get $v0) (local.get $n))
                (call $put (i32.add (local.get $dr) (local.get $ub)) (local.get $v1) (local.get $n))
                (call $put (i32.add (local.get $dr) (i32.shl (local.get $ub) (i32.const 1))) (local.get $v2) (local.get $n))
                (call $put (i32.add (local.get $dr) (i32.mul (local.get $ub) (i32.const 3))) (local.get $v3) (local.get $n))
                (call $put (i32.add (local.get $dcPrev) (local.get $sr)) (local.get $dc) (local.get $n))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $kLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bLoop))))
)
