module github.com/sparsebench/sparsebench

go 1.23.0

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/montanaflynn/stats v0.14.0 // indirect
	gonum.org/v1/gonum v0.16.0 // indirect
)
