package tfjs

// The convolution GEMM reproduces TensorFlow.js's CPU kernel bit for bit:
// tfjs-backend-cpu accumulates every output element in a Float32Array as
//
//	y = float32(double(y) + double(x)*double(w))
//
// over (kernel row, kernel column, input channel) in that order, skipping
// taps that fall in the implicit 'same' padding. The product of two
// float32 values is exact in float64, so whether or not the Go compiler
// fuses the multiply and add into an FMA (it may on arm64) the rounded
// result is the same: the arithmetic is architecture independent.

// packPanels rearranges a [K][M] float32 matrix (Keras Conv2D kernel
// layout [R][S][C][M] is exactly that with K = R*S*C) into ceil(M/4)
// panels of [K][4] float64, zero-filled past column M.
func packPanels(w []float32, k, m int) []float64 {
	np := (m + 3) / 4
	out := make([]float64, np*k*4)
	for p := 0; p < np; p++ {
		base := p * k * 4
		for kk := 0; kk < k; kk++ {
			for j := 0; j < 4; j++ {
				col := p*4 + j
				if col < m {
					out[base+kk*4+j] = float64(w[kk*m+col])
				}
			}
		}
	}
	return out
}

// kern4x4 updates the 4x4 block c[i*ldc+j] (i, j < 4) with rows a[i*lda:]
// times the panel b ([kn][4]) over kn steps, in step order.
func kern4x4(a []float64, lda int, b []float64, c []float32, ldc int, kn int) {
	a0 := a[0:kn:kn]
	a1 := a[lda : lda+kn : lda+kn]
	a2 := a[2*lda : 2*lda+kn : 2*lda+kn]
	a3 := a[3*lda : 3*lda+kn : 3*lda+kn]
	b = b[: kn*4 : kn*4]
	c0 := c[0:4:4]
	c1 := c[ldc : ldc+4 : ldc+4]
	c2 := c[2*ldc : 2*ldc+4 : 2*ldc+4]
	c3 := c[3*ldc : 3*ldc+4 : 3*ldc+4]
	c00, c01, c02, c03 := c0[0], c0[1], c0[2], c0[3]
	c10, c11, c12, c13 := c1[0], c1[1], c1[2], c1[3]
	c20, c21, c22, c23 := c2[0], c2[1], c2[2], c2[3]
	c30, c31, c32, c33 := c3[0], c3[1], c3[2], c3[3]
	for k := 0; k < kn; k++ {
		bb := b[k*4 : k*4+4 : k*4+4]
		b0, b1, b2, b3 := bb[0], bb[1], bb[2], bb[3]
		x := a0[k]
		c00 = float32(float64(c00) + x*b0)
		c01 = float32(float64(c01) + x*b1)
		c02 = float32(float64(c02) + x*b2)
		c03 = float32(float64(c03) + x*b3)
		x = a1[k]
		c10 = float32(float64(c10) + x*b0)
		c11 = float32(float64(c11) + x*b1)
		c12 = float32(float64(c12) + x*b2)
		c13 = float32(float64(c13) + x*b3)
		x = a2[k]
		c20 = float32(float64(c20) + x*b0)
		c21 = float32(float64(c21) + x*b1)
		c22 = float32(float64(c22) + x*b2)
		c23 = float32(float64(c23) + x*b3)
		x = a3[k]
		c30 = float32(float64(c30) + x*b0)
		c31 = float32(float64(c31) + x*b1)
		c32 = float32(float64(c32) + x*b2)
		c33 = float32(float64(c33) + x*b3)
	}
	c0[0], c0[1], c0[2], c0[3] = c00, c01, c02, c03
	c1[0], c1[1], c1[2], c1[3] = c10, c11, c12, c13
	c2[0], c2[1], c2[2], c2[3] = c20, c21, c22, c23
	c3[0], c3[1], c3[2], c3[3] = c30, c31, c32, c33
}

// kern1x4 is kern4x4 for a single row.
func kern1x4(a []float64, b []float64, c []float32, kn int) {
	a = a[:kn:kn]
	b = b[: kn*4 : kn*4]
	c = c[:4:4]
	c0, c1, c2, c3 := c[0], c[1], c[2], c[3]
	for k := 0; k < kn; k++ {
		bb := b[k*4 : k*4+4 : k*4+4]
		x := a[k]
		c0 = float32(float64(c0) + x*bb[0])
		c1 = float32(float64(c1) + x*bb[1])
		c2 = float32(float64(c2) + x*bb[2])
		c3 = float32(float64(c3) + x*bb[3])
	}
	c[0], c[1], c[2], c[3] = c0, c1, c2, c3
}

// gemmTile computes c[rows][np*4] += a[rows][k] * panels, where a has row
// stride k and c row stride np*4. kBlock splits the k loop for cache
// reuse; the per-element order of k stays ascending, so the result does
// not depend on kBlock.
func gemmTile(a []float64, rows, k int, panels []float64, np int, c []float32, kBlock int) {
	ldc := np * 4
	for k0 := 0; k0 < k; k0 += kBlock {
		kn := min(kBlock, k-k0)
		for p := 0; p < np; p++ {
			b := panels[p*k*4+k0*4:]
			i := 0
			for ; i+4 <= rows; i += 4 {
				kern4x4(a[i*k+k0:], k, b, c[i*ldc+p*4:], ldc, kn)
			}
			for ; i < rows; i++ {
				kern1x4(a[i*k+k0:], b, c[i*ldc+p*4:], kn)
			}
		}
	}
}
