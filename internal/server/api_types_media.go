package server

import "guildhall/internal/media"

// mediaJSON is an uploaded image with the URL of each of its sizes.
type mediaJSON struct {
	ID       string            `json:"id"`
	Width    int               `json:"width"`
	Height   int               `json:"height"`
	Variants map[string]string `json:"variants"`
}

func mediaOut(m *media.Media) mediaJSON {
	out := mediaJSON{ID: m.ID, Width: m.Width, Height: m.Height, Variants: map[string]string{}}
	for name, v := range m.Variants {
		out.Variants[name] = v.URL
	}
	return out
}
