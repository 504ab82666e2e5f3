package moderation

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// The learned model: one logistic regression per flag over the features of
// features.go, trained by `go generate` (train.go) from testdata/corpus.tsv
// and embedded here. model.bin is binary and deterministic: training twice
// writes the same bytes.

//go:generate go run ./internal/trainmodel

//go:embed model.bin
var modelFile []byte

// modelFlags are the flags the model scores, in the order of the model file.
var modelFlags = []string{FlagOffPlatform, FlagRecruitment}

// model is the decoded model.bin.
type model struct {
	bias    []float64            // per flag
	grams   [][gramBuckets]int16 // per flag, quantised
	step    []float64            // per flag: a quantum of grams
	signals map[string][]float64 // per signal feature, per flag
}

var (
	modelOnce   sync.Once
	loadedModel *model
	modelErr    error
)

func theModel() *model {
	modelOnce.Do(func() { loadedModel, modelErr = decodeModel(modelFile) })
	if modelErr != nil {
		panic(modelErr) // model.bin is embedded: a bad one is a build defect that every test catches
	}
	return loadedModel
}

const modelMagic = "GHDM1"

// logits returns the model's log-odds for each flag of modelFlags, and each flag's part that the n-grams of
// text (the squeezed text f was read from) give.
func (m *model) logits(text string, f features) (z, grams []float64) {
	z, grams = make([]float64, len(modelFlags)), make([]float64, len(modelFlags))
	var sums [2]int // one pass sums the weights of both flags (decodeModel checks that there are two)
	g0, g1 := &m.grams[0], &m.grams[1]
	eachGram(text, func(h uint32) {
		sums[0] += int(g0[h])
		sums[1] += int(g1[h])
	})
	for k := range modelFlags {
		grams[k] = float64(sums[k]) * m.step[k] * f.scale
		z[k] = m.bias[k] + grams[k]
		for _, s := range f.signals {
			if w, ok := m.signals[s]; ok {
				z[k] += w[k]
			}
		}
	}
	return z, grams
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// encodeModel writes a model file: the magic, the number of flags and of n-gram buckets, then per flag its bias,
// quantum and quantised n-gram weights, then the signal features, by name, with a weight per flag.
func encodeModel(bias []float64, grams [][]float64, signalNames []string, signalWeights [][]float64) []byte {
	out := []byte(modelMagic)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(bias)))
	out = binary.LittleEndian.AppendUint32(out, gramBuckets)
	for k := range bias {
		top := 0.0
		for _, w := range grams[k] {
			top = max(top, math.Abs(w))
		}
		step := max(top/math.MaxInt16, 1e-9)
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(bias[k])))
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(step)))
		step = float64(float32(step))
		for _, w := range grams[k] {
			q := math.Round(w / step)
			out = binary.LittleEndian.AppendUint16(out, uint16(int16(max(min(q, math.MaxInt16), -math.MaxInt16))))
		}
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(len(signalNames)))
	for i, name := range signalNames {
		out = append(out, byte(len(name)))
		out = append(out, name...)
		for _, w := range signalWeights[i] {
			out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(w)))
		}
	}
	return out
}

var errModelShort = errors.New("model file ends early")

func decodeModel(b []byte) (*model, error) {
	r := modelReader{b: b}
	if string(r.take(len(modelMagic))) != modelMagic {
		return nil, fmt.Errorf("decode model: not a model file")
	}
	flags, buckets := int(r.u32()), r.u32()
	if flags != len(modelFlags) || buckets != gramBuckets {
		return nil, fmt.Errorf("decode model: %d flags of %d buckets, want %d of %d", flags, buckets, len(modelFlags), gramBuckets)
	}
	m := &model{grams: make([][gramBuckets]int16, flags), signals: map[string][]float64{}}
	for k := range flags {
		m.bias = append(m.bias, float64(math.Float32frombits(r.u32())))
		m.step = append(m.step, float64(math.Float32frombits(r.u32())))
		raw := r.take(2 * gramBuckets)
		for i := range m.grams[k] {
			if raw != nil {
				m.grams[k][i] = int16(binary.LittleEndian.Uint16(raw[2*i:]))
			}
		}
	}
	for range r.u32() {
		name := string(r.take(int(r.u8())))
		w := make([]float64, flags)
		for k := range w {
			w[k] = float64(math.Float32frombits(r.u32()))
		}
		m.signals[name] = w
	}
	if r.short {
		return nil, fmt.Errorf("decode model: %w", errModelShort)
	}
	return m, nil
}

type modelReader struct {
	b     []byte
	short bool
}

func (r *modelReader) take(n int) []byte {
	if n > len(r.b) {
		r.short, r.b = true, nil
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *modelReader) u8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *modelReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}
