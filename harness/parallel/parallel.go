// Package parallel runs independent pieces of work on a bounded number of
// goroutines; callers write each result into its own slot, so outcomes never
// depend on the number of workers or their scheduling.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// ForEach calls f(0..n-1) on up to workers goroutines (≤ 0: GOMAXPROCS).
// Callers write results into slots indexed by i, so the outcome does not
// depend on scheduling.
func ForEach(n, workers int, f func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	// Workers take the next index from a shared counter: cheaper than a
	// channel hand-off, which shows when the pieces are small (the rows of
	// a depthwise convolution in hardware/tfjs).
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
