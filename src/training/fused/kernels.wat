;; The fused engine's two dense kernels in WebAssembly SIMD (f32x4), row-major float32.
;; Pointers are byte offsets into the module's own memory; strides and sizes count elements.
;; Compiled by `npm run build:wasm` (scripts/build-wasm.mjs, wabt) into kernelsWasm.ts.
;; The JavaScript versions in kernels.ts are the reference; __tests__/kernels.test.ts checks
;; these against them, tails included (sizes that are not multiples of 4).
(module
  (memory (export "memory") 1)

  ;; out[r, j] += sum_k A(r, k) * W[k, j], with A(r, k) = A[r * sar + k * sak].
  ;; sar = inner, sak = 1 is A · W; sar = 1, sak = rows' is A^T · W (the weight gradient).
  (func (export "mmadd")
    (param $A i32) (param $sar i32) (param $sak i32) (param $W i32) (param $out i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $j i32) (local $p i32)
    (local $aRow i32) (local $oRow i32) (local $rowBytes i32) (local $vecBytes i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (local.set $sar (i32.shl (local.get $sar) (i32.const 2)))
    (local.set $sak (i32.shl (local.get $sak) (i32.const 2)))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $aRow (i32.add (local.get $A) (i32.mul (local.get $r) (local.get $sar))))
        (local.set $oRow (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $k (i32.const 0))
        ;; Four k at a time: one pass over out[r, :] serves four rows of W.
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $inner)))
            (local.set $p (i32.add (local.get $aRow) (i32.mul (local.get $k) (local.get $sak))))
            (local.set $s0 (f32.load (local.get $p)))
            (local.set $p (i32.add (local.get $p) (local.get $sak)))
            (local.set $s1 (f32.load (local.get $p)))
            (local.set $p (i32.add (local.get $p) (local.get $sak)))
            (local.set $s2 (f32.load (local.get $p)))
            (local.set $p (i32.add (local.get $p) (local.get $sak)))
            (local.set $s3 (f32.load (local.get $p)))
            (local.set $a0 (f32x4.splat (local.get $s0)))
            (local.set $a1 (f32x4.splat (local.get $s1)))
            (local.set $a2 (f32x4.splat (local.get $s2)))
            (local.set $a3 (f32x4.splat (local.get $s3)))
            (local.set $w0 (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $rowBytes))))
            (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
            (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
            (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
                (v128.store
                  (i32.add (local.get $oRow) (local.get $j))
                  (f32x4.add
                    (f32x4.add
                      (v128.load (i32.add (local.get $oRow) (local.get $j)))
                      (f32x4.add
                        (f32x4.mul (local.get $a0) (v128.load (i32.add (local.get $w0) (local.get $j))))
                        (f32x4.mul (local.get $a1) (v128.load (i32.add (local.get $w1) (local.get $j))))))
                    (f32x4.add
                      (f32x4.mul (local.get $a2) (v128.load (i32.add (local.get $w2) (local.get $j))))
                      (f32x4.mul (local.get $a3) (v128.load (i32.add (local.get $w3) (local.get $j)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $jLoop)))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (f32.store
                  (i32.add (local.get $oRow) (local.get $j))
                  (f32.add
                    (f32.add
                      (f32.load (i32.add (local.get $oRow) (local.get $j)))
                      (f32.add
                        (f32.mul (local.get $s0) (f32.load (i32.add (local.get $w0) (local.get $j))))
                        (f32.mul (local.get $s1) (f32.load (i32.add (local.get $w1) (local.get $j))))))
                    (f32.add
                      (f32.mul (local.get $s2) (f32.load (i32.add (local.get $w2) (local.get $j))))
                      (f32.mul (local.get $s3) (f32.load (i32.add (local.get $w3) (local.get $j)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $tLoop)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kLoop)))
        ;; The last inner % 4 values of k, one at a time.
        (block $k1Done
          (loop $k1Loop
            (br_if $k1Done (i32.ge_u (local.get $k) (local.get $inner)))
            (local.set $s0
              (f32.load (i32.add (local.get $aRow) (i32.mul (local.get $k) (local.get $sak)))))
            (local.set $a0 (f32x4.splat (local.get $s0)))
            (local.set $w0 (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $rowBytes))))
            (local.set $j (i32.const 0))
            (block $j1Done
              (loop $j1Loop
                (br_if $j1Done (i32.ge_u (local.get $j) (local.get $vecBytes)))
                (v128.store
                  (i32.add (local.get $oRow) (local.get $j))
                  (f32x4.add
                    (v128.load (i32.add (local.get $oRow) (local.get $j)))
                    (f32x4.mul (local.get $a0) (v128.load (i32.add (local.get $w0) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $j1Loop)))
            (block $t1Done
              (loop $t1Loop
                (br_if $t1Done (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (f32.store
                  (i32.add (local.get $oRow) (local.get $j))
                  (f32.add
                    (f32.load (i32.add (local.get $oRow) (local.get $j)))
                    (f32.mul (local.get $s0) (f32.load (i32.add (local.get $w0) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $t1Loop)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k1Loop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop))))

  ;; dA[r, k] = sum_j dOut[r, j] * W[k, j]   (dA = dOut · W^T; dA is [rows, inner]).
  (func (export "mmabt")
    (param $dOut i32) (param $W i32) (param $dA i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (local $r i32) (local $k i32) (local $j i32)
    (local $dRow i32) (local $aRow i32) (local $rowBytes i32) (local $vecBytes i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (local $d v128) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $ds f32) (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $dRow (i32.add (local.get $dOut) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $aRow
          (i32.add (local.get $dA) (i32.shl (i32.mul (local.get $r) (local.get $inner)) (i32.const 2))))
        (local.set $k (i32.const 0))
        ;; Four rows of W at a time: each load of dOut[r, j..j+3] serves four dot products.
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $inner)))
            (local.set $w0 (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $rowBytes))))
            (local.set $w1 (i32.add (local.get $w0) (local.get $rowBytes)))
            (local.set $w2 (i32.add (local.get $w1) (local.get $rowBytes)))
            (local.set $w3 (i32.add (local.get $w2) (local.get $rowBytes)))
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $c1 (v128.const i32x4 0 0 0 0))
            (local.set $c2 (v128.const i32x4 0 0 0 0))
            (local.set $c3 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $jDone
              (loop $jLoop
                (br_if $jDone (i32.ge_u (local.get $j) (local.get $vecBytes)))
                (local.set $d (v128.load (i32.add (local.get $dRow) (local.get $j))))
                (local.set $c0
                  (f32x4.add (local.get $c0)
                    (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w0) (local.get $j))))))
                (local.set $c1
                  (f32x4.add (local.get $c1)
                    (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w1) (local.get $j))))))
                (local.set $c2
                  (f32x4.add (local.get $c2)
                    (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w2) (local.get $j))))))
                (local.set $c3
                  (f32x4.add (local.get $c3)
                    (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $w3) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $jLoop)))
            (local.set $s0
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $c0)) (f32x4.extract_lane 1 (local.get $c0)))
                (f32.add (f32x4.extract_lane 2 (local.get $c0)) (f32x4.extract_lane 3 (local.get $c0)))))
            (local.set $s1
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $c1)) (f32x4.extract_lane 1 (local.get $c1)))
                (f32.add (f32x4.extract_lane 2 (local.get $c1)) (f32x4.extract_lane 3 (local.get $c1)))))
            (local.set $s2
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $c2)) (f32x4.extract_lane 1 (local.get $c2)))
                (f32.add (f32x4.extract_lane 2 (local.get $c2)) (f32x4.extract_lane 3 (local.get $c2)))))
            (local.set $s3
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $c3)) (f32x4.extract_lane 1 (local.get $c3)))
                (f32.add (f32x4.extract_lane 2 (local.get $c3)) (f32x4.extract_lane 3 (local.get $c3)))))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $ds (f32.load (i32.add (local.get $dRow) (local.get $j))))
                (local.set $s0
                  (f32.add (local.get $s0)
                    (f32.mul (local.get $ds) (f32.load (i32.add (local.get $w0) (local.get $j))))))
                (local.set $s1
                  (f32.add (local.get $s1)
                    (f32.mul (local.get $ds) (f32.load (i32.add (local.get $w1) (local.get $j))))))
                (local.set $s2
                  (f32.add (local.get $s2)
                    (f32.mul (local.get $ds) (f32.load (i32.add (local.get $w2) (local.get $j))))))
                (local.set $s3
                  (f32.add (local.get $s3)
                    (f32.mul (local.get $ds) (f32.load (i32.add (local.get $w3) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $tLoop)))
            (f32.store (i32.add (local.get $aRow) (i32.shl (local.get $k) (i32.const 2))) (local.get $s0))
            (f32.store offset=4 (i32.add (local.get $aRow) (i32.shl (local.get $k) (i32.const 2))) (local.get $s1))
            (f32.store offset=8 (i32.add (local.get $aRow) (i32.shl (local.get $k) (i32.const 2))) (local.get $s2))
            (f32.store offset=12 (i32.add (local.get $aRow) (i32.shl (local.get $k) (i32.const 2))) (local.get $s3))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kLoop)))
        ;; The last inner % 4 rows of W, one at a time.
        (block $k1Done
          (loop $k1Loop
            (br_if $k1Done (i32.ge_u (local.get $k) (local.get $inner)))
            (local.set $w0 (i32.add (local.get $W) (i32.mul (local.get $k) (local.get $rowBytes))))
            (local.set $c0 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (block $j1Done
              (loop $j1Loop
                (br_if $j1Done (i32.ge_u (local.get $j) (local.get $vecBytes)))
                (local.set $c0
                  (f32x4.add (local.get $c0)
                    (f32x4.mul
                      (v128.load (i32.add (local.get $dRow) (local.get $j)))
                      (v128.load (i32.add (local.get $w0) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $j1Loop)))
            (local.set $s0
              (f32.add
                (f32.add (f32x4.extract_lane 0 (local.get $c0)) (f32x4.extract_lane 1 (local.get $c0)))
                (f32.add (f32x4.extract_lane 2 (local.get $c0)) (f32x4.extract_lane 3 (local.get $c0)))))
            (block $t1Done
              (loop $t1Loop
                (br_if $t1Done (i32.ge_u (local.get $j) (local.get $rowBytes)))
                (local.set $s0
                  (f32.add (local.get $s0)
                    (f32.mul
                      (f32.load (i32.add (local.get $dRow) (local.get $j)))
                      (f32.load (i32.add (local.get $w0) (local.get $j))))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $t1Loop)))
            (f32.store (i32.add (local.get $aRow) (i32.shl (local.get $k) (i32.const 2))) (local.get $s0))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $k1Loop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop)))))
