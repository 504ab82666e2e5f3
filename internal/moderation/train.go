package moderation

import (
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Training the model, run by `go generate` (internal/trainmodel): read the
// labelled posts of testdata/posts.tsv, add their disguised variants
// (corpus.go), write the whole corpus to testdata/corpus.tsv, fit one
// logistic regression per flag on the training part and write model.bin.
// Everything is deterministic: the same posts give the same bytes.

// corpusRow is one labelled post.
type corpusRow struct {
	family string // posts of one family are variants of one another, and stay on one side of the split
	lang   string // zh, en or mixed
	labels []string
	text   string
}

func (r corpusRow) has(flag string) bool { return slices.Contains(r.labels, flag) }

// heldOut reports whether a family belongs to the evaluation part (about a fifth), never seen in training.
func heldOut(family string) bool {
	h := fnv.New32a()
	h.Write([]byte(family))
	return h.Sum32()%5 == 0
}

// GenerateModel rebuilds testdata/corpus.tsv and model.bin in dir (the package's folder).
func GenerateModel(dir string) error {
	posts, err := os.ReadFile(filepath.Join(dir, "testdata", "posts.tsv"))
	if err != nil {
		return fmt.Errorf("generate model: %w", err)
	}
	base, err := parseCorpus(string(posts))
	if err != nil {
		return fmt.Errorf("generate model: %w", err)
	}
	rows := expandCorpus(base)
	if err := os.WriteFile(filepath.Join(dir, "testdata", "corpus.tsv"), []byte(formatCorpus(rows)), 0o644); err != nil {
		return fmt.Errorf("generate model: %w", err)
	}
	var train []corpusRow
	for _, r := range rows {
		if !heldOut(r.family) {
			train = append(train, r)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "model.bin"), trainModel(train), 0o644); err != nil {
		return fmt.Errorf("generate model: %w", err)
	}
	return nil
}

const corpusHeader = "family\tlang\tlabels\ttext"

// parseCorpus reads a TSV of family, language, labels (comma-separated, "clean" for none) and text (with \n for
// a line break).
func parseCorpus(data string) ([]corpusRow, error) {
	var rows []corpusRow
	for i, line := range strings.Split(data, "\n") {
		if line == "" || line == corpusHeader || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.SplitN(line, "\t", 4)
		if len(cols) != 4 || cols[3] == "" {
			return nil, fmt.Errorf("corpus line %d: want 4 tab-separated columns", i+1)
		}
		r := corpusRow{family: cols[0], lang: cols[1], text: strings.ReplaceAll(cols[3], `\n`, "\n")}
		switch r.lang {
		case "zh", "en", "mixed":
		default:
			return nil, fmt.Errorf("corpus line %d: language %q", i+1, r.lang)
		}
		for l := range strings.SplitSeq(cols[2], ",") {
			switch l {
			case "clean":
			case FlagOffPlatform, FlagRecruitment:
				r.labels = append(r.labels, l)
			default:
				return nil, fmt.Errorf("corpus line %d: label %q", i+1, l)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func formatCorpus(rows []corpusRow) string {
	var b strings.Builder
	b.WriteString(corpusHeader + "\n")
	for _, r := range rows {
		labels := strings.Join(r.labels, ",")
		if labels == "" {
			labels = "clean"
		}
		text := strings.ReplaceAll(strings.ReplaceAll(r.text, "\t", " "), "\n", `\n`)
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", r.family, r.lang, labels, text)
	}
	return b.String()
}

// Training settings: full-batch gradient descent with AdaGrad steps and an L2 penalty, for a fixed number of
// rounds, so that no random order or early stop makes two runs differ.
//
// The signals' weights are pulled towards a prior rather than towards zero: what a rule found is evidence for its
// own flag (its lexicon prior), a negated one weakly against, a warning or a rules post against both. With a few
// hundred posts per flag the data alone would leave a signal seen in few posts (a QQ group number, a 淘口令) too
// weak to flag a post by itself; the prior says it should, unless the corpus shows otherwise.
const (
	trainRounds   = 400
	trainRate     = 0.5
	trainL2       = 1e-3 // on n-gram weights, towards 0
	trainL2Signal = 1e-2 // on signal weights, towards their prior

	negatedSignalPrior = -1.0
	contextPrior       = -2.0
)

func priorOf(signal, signalFlag, flag string) float64 {
	switch {
	case signal == signalWarning || signal == signalRules:
		return contextPrior
	case strings.HasPrefix(signal, "negated_"):
		if signalFlag == flag {
			return negatedSignalPrior
		}
		return 0
	case signalFlag == flag:
		if p, ok := loadedLexicons().priors[signal]; ok {
			return p
		}
		return defaultPrior // the contact rules' signals
	}
	return 0
}

// trainModel fits the model on rows and returns the model file.
func trainModel(rows []corpusRow) []byte {
	feats := make([]features, len(rows))
	names := []string{}
	flagOf := map[string]string{}
	for i, r := range rows {
		ev := gather(r.text, Context{})
		for _, h := range ev.hits {
			flagOf[h.Name], flagOf["negated_"+h.Name] = h.Flag, h.Flag
		}
		feats[i] = featuresOf(ev, true)
		for _, s := range feats[i].signals {
			if !slices.Contains(names, s) {
				names = append(names, s)
			}
		}
	}
	slices.Sort(names)
	index := map[string]int{}
	for i, n := range names {
		index[n] = i
	}
	bias := make([]float64, len(modelFlags))
	grams := make([][]float64, len(modelFlags))
	sigW := make([][]float64, len(names))
	for i := range sigW {
		sigW[i] = make([]float64, len(modelFlags))
	}
	for k, flag := range modelFlags {
		w := make([]float64, gramBuckets+len(names)+1) // n-grams, signals, bias
		g2 := make([]float64, len(w))                  // AdaGrad's sums of squared gradients
		grad := make([]float64, len(w))
		prior := make([]float64, len(w))
		for i, n := range names {
			prior[gramBuckets+i] = priorOf(n, flagOf[n], flag)
			w[gramBuckets+i] = prior[gramBuckets+i]
		}
		for range trainRounds {
			clear(grad)
			for i, f := range feats {
				z := w[len(w)-1]
				for _, h := range f.grams {
					z += float64(w[h] * f.scale)
				}
				for _, s := range f.signals {
					z += w[gramBuckets+index[s]]
				}
				y := 0.0
				if rows[i].has(flag) {
					y = 1
				}
				d := (sigmoid(z) - y) / float64(len(feats))
				for _, h := range f.grams {
					grad[h] += float64(d * f.scale)
				}
				for _, s := range f.signals {
					grad[gramBuckets+index[s]] += d
				}
				grad[len(w)-1] += d
			}
			for j := range w {
				switch {
				case j < gramBuckets:
					grad[j] += float64(trainL2 * w[j])
				case j < len(w)-1:
					grad[j] += float64(trainL2Signal * (w[j] - prior[j]))
				}
				if grad[j] == 0 {
					continue
				}
				g2[j] += float64(grad[j] * grad[j])
				w[j] -= float64(trainRate * grad[j] / math.Sqrt(g2[j]))
			}
		}
		grams[k] = w[:gramBuckets]
		for i := range names {
			sigW[i][k] = w[gramBuckets+i]
		}
		bias[k] = w[len(w)-1]
	}
	return encodeModel(bias, grams, names, sigW)
}
