package server

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
