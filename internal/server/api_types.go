package server

// pageJSON is one page of a list: its items and the cursor of the next.
type pageJSON[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
	Total      int     `json:"total"`
}

// listOut converts each element; nil stays nil (null), as the feature had it.
func listOut[S, T any](in []S, out func(S) T) []T {
	if in == nil {
		return nil
	}
	res := make([]T, len(in))
	for i, v := range in {
		res[i] = out(v)
	}
	return res
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
