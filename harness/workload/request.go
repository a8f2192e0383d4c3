package workload

// Request is one inference request of a workload.
type Request struct {
	Arrival  float64 // seconds
	Model    int     // index into Catalogue.Models
	Sample   int     // index into the model's samples
	Priority int
	Deadline float64 // absolute, seconds
}
