package work

import (
	"fmt"
	"strings"
	"testing"
)

func TestInput_apply(t *testing.T) {
	t.Run("TooManyTagsAreRefusedBeforeAnyIsRead", func(t *testing.T) {
		tags := make([]string, 110_000)
		for i := range tags {
			tags[i] = fmt.Sprintf("tag%d", i)
		}
		in := Input{Tags: &tags, Materials: &tags}
		var w Work
		err := in.apply(&w, false)
		if err == nil || !strings.Contains(fmt.Sprint(err), "invalid") {
			t.Fatalf("110,000 tags: %v", err)
		}
		// Refused by count, nothing built: the list a quadratic loop
		// would have filled stays empty.
		if w.Tags != nil || w.Materials != nil {
			t.Fatalf("the lists were read: %d tags, %d materials", len(w.Tags), len(w.Materials))
		}
	})
	t.Run("DuplicatesAndBlanksAreDropped", func(t *testing.T) {
		tags := []string{" wallet", "wallet ", "", "皮具", "  "}
		var w Work
		if err := (&Input{Tags: &tags}).apply(&w, false); err != nil {
			t.Fatal(err)
		}
		if strings.Join(w.Tags, ",") != "wallet,皮具" {
			t.Fatalf("got %q", w.Tags)
		}
	})
}

// BenchmarkWords is a full list of tags, the most a work keeps.
func BenchmarkWords(b *testing.B) {
	tags := make([]string, maxWords)
	for i := range tags {
		tags[i] = fmt.Sprintf("tag%d", i)
	}
	for b.Loop() {
		words(map[string]string{}, "tags", tags)
	}
}
