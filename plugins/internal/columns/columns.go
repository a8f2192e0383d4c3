// Package columns gives the built-in policies direct, read-only-by-contract
// access to the per-task arrays behind a scheduler.View. A policy that
// scores thousands of tasks per decision then walks plain slices, which the
// compiler can prove in bounds, instead of calling accessors that each
// check their index. Third-party code cannot import this package; for it the
// View's accessors remain the only way in.
package columns

// Columns are the parallel per-slot arrays of a view, all as long as the
// view has runnable tasks. They are the harness's state itself: never
// modify them.
type Columns struct {
	Deadline  []float64
	Priority  []float64
	LastExec  []float64
	RemFamily []float64
	RemVar    []float64
	IsoFam    []float64
	IsoVar    []float64
	NextFam   []float64
	NextVar   []float64
	Gamma     []float64
}

// Of is set by package scheduler to return the columns of a *View. It
// returns a pointer to the view's own arrays, which costs nothing per
// decision, where copying eleven slice headers out of the view did.
var Of func(view any) *Columns

// OracleOf is set by package scheduler to return the real remaining and
// isolated latencies of an *OracleView's slots.
var OracleOf func(oracle any) (rem, iso []float64)
