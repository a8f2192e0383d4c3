// Package pluginpb is the wire protocol of sparsebench's out-of-process
// plugins: the protobuf messages and gRPC services of scheduler.proto and
// accelerator.proto, generated code committed so that building needs only
// Go. Plugin authors writing in Go use plugins/sdk instead; authors in other
// languages generate their own stubs from the two .proto files.
//
// The generated code comes from protoc 3.21.12 with protoc-gen-go v1.36.10
// and protoc-gen-go-grpc v1.6.0. To reproduce it:
//
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.10
//	go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.0
//	go generate ./plugins/pluginpb
package pluginpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative scheduler.proto accelerator.proto
