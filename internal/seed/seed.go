// Package seed fills a store with a believable bilingual community (makers,
// works with generated images, fans, follows, favourites, collections) for
// demos and benchmarks. It goes through the features' own services for
// everything but the bulk of works, which it writes in batches and then
// indexes with the rebuild path.
package seed

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"

	"guildhall/internal/account"
	"guildhall/internal/app"
	"guildhall/internal/community"
	"guildhall/internal/curation"
	"guildhall/internal/maker"
	"guildhall/internal/work"
)

// Options size the community.
type Options struct {
	Makers, Works, Users int
	Seed                 uint64 // the same seed gives the same community
}

// Progress hears how far each step got.
type Progress func(step string, done, total int)

// Password is every seeded account's password; seeded data is for demos.
const Password = "guildhall-demo-password"

// Run seeds a into the store.
func Run(ctx context.Context, a *app.App, o Options, progress Progress) error {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	r := rand.New(rand.NewPCG(o.Seed, 42))
	s := &seeder{a: a, r: r, progress: progress}
	if err := s.images(ctx); err != nil {
		return err
	}
	if err := s.makers(ctx, o.Makers); err != nil {
		return err
	}
	if err := s.works(ctx, o.Works); err != nil {
		return err
	}
	// Fans look works up by _id: the new collections need their key index
	// now, not at the worker's next round.
	if _, err := a.DB.IndexKeys(ctx); err != nil {
		return err
	}
	if err := s.fans(ctx, o.Users); err != nil {
		return err
	}
	if err := s.collections(ctx); err != nil {
		return err
	}
	if err := s.groups(ctx); err != nil {
		return err
	}
	_, err := a.Discovery.Refresh(ctx)
	return err
}

type seeder struct {
	a        *app.App
	r        *rand.Rand
	progress Progress
	owner    *account.User // uploads the shared image pool
	pool     []work.Image
	studios  []*maker.Studio
	users    []*account.User
	workIDs  []string
}

func (s *seeder) signUp(ctx context.Context, handle, name string) (*account.User, error) {
	u, _, err := s.a.Accounts.SignUp(ctx, account.SignUp{Email: handle + "@demo.guildhall.example", Password: Password,
		Handle: handle, DisplayName: name}, "seed")
	if err != nil {
		return nil, fmt.Errorf("seed user %s: %w", handle, err)
	}
	return u, nil
}

// images uploads a small pool of generated images through the pipeline.
func (s *seeder) images(ctx context.Context) error {
	u, err := s.signUp(ctx, "guildhall_demo", "Guildhall 示例")
	if err != nil {
		return err
	}
	s.owner = u
	for i, c := range colours {
		m, err := s.a.Media.Upload(ctx, u.ID, bytes.NewReader(generated(c, i)))
		if err != nil {
			return err
		}
		if _, err := s.a.Media.Attach(ctx, u.ID, "media_ids", []string{m.ID}); err != nil {
			return err
		}
		s.pool = append(s.pool, work.Image{MediaID: m.ID, Thumb: m.URL("thumb"), Medium: m.URL("medium"), Large: m.URL("large"), Width: m.Width, Height: m.Height})
		s.progress("images", i+1, len(colours))
	}
	return nil
}

// generated draws a 480×360 image: a colour field with a lighter band.
func generated(c [3]uint8, n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 480, 360))
	for y := range 360 {
		for x := range 480 {
			k := uint8(0)
			if (y/40+n)%3 == 0 {
				k = 40
			}
			img.Set(x, y, color.RGBA{c[0] + k/2, c[1] + k/2, c[2] + k/2, 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

var categories = []string{"leather", "ceramics", "jewelry", "textiles", "woodwork", "paper", "glass", "metalwork", "toys", "food"}

func (s *seeder) makers(ctx context.Context, n int) error {
	for i := range n {
		cat := categories[i%len(categories)]
		name := fmt.Sprintf("%s %s %d", studioWords[s.r.IntN(len(studioWords))], crafts[cat][1], i+1)
		u, err := s.signUp(ctx, fmt.Sprintf("maker%04d", i+1), name)
		if err != nil {
			return err
		}
		st, err := s.a.Makers.PutStudio(ctx, u, maker.StudioInput{Name: name,
			Story:    fmt.Sprintf("我们做%s已经%d年。We have worked in %s for %d years.", crafts[cat][0], 3+i%20, crafts[cat][1], 3+i%20),
			Location: locations[s.r.IntN(len(locations))], Crafts: crafts[cat],
			Policies: maker.Policies{Shipping: "3–5 天发货 · Ships in 3–5 days", Returns: "7 天无理由退货 · 7-day returns", LeadTimeDays: 5}})
		if err != nil {
			return err
		}
		s.studios = append(s.studios, st)
		s.progress("makers", i+1, n)
	}
	return nil
}

// works writes n published works in batches and indexes them once.
func (s *seeder) works(ctx context.Context, n int) error {
	if len(s.studios) == 0 || n == 0 {
		return nil
	}
	coll := s.a.DB.Database.Collection(work.Collection)
	perMaker := map[string]int{}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for start := 0; start < n; start += 500 {
		var docs []any
		for i := start; i < min(n, start+500); i++ {
			st := s.studios[s.r.IntN(len(s.studios))]
			cat := categories[slicesIndex(categories, st.Crafts)]
			t := things[cat][s.r.IntN(len(things[cat]))]
			title := fmt.Sprintf("%s %s", t[0], t[1])
			if s.r.IntN(3) == 0 {
				title = fmt.Sprintf("%s · %s No.%d", t[0], t[1], i+1)
			}
			published := now.Add(-time.Duration(s.r.IntN(60*24*60)) * time.Minute)
			images := []work.Image{s.pool[s.r.IntN(len(s.pool))], s.pool[s.r.IntN(len(s.pool))]}
			w := work.Work{ID: fmt.Sprintf("seed%07d", i+1),
				Maker: work.MakerRef{ID: st.ID, Handle: st.Handle, Name: st.Name, AvatarURL: st.AvatarURL, Location: st.Location},
				Title: title, Slug: work.Slugify(title),
				Description: fmt.Sprintf("%s，手工制作。Handmade %s by %s.", t[0], strings.ToLower(t[1]), st.Name),
				Price:       work.Money{Amount: int64(20+s.r.IntN(980)) * 100, Currency: "CNY"},
				Stock:       s.r.IntN(6), MadeToOrder: s.r.IntN(5) == 0, LeadTimeDays: 7,
				Materials: strings.Split(t[2], ","), Tags: strings.Split(t[3], ","), Category: cat,
				Images: images, Variants: []work.Variant{}, Status: work.StatusPublished,
				CreatedAt: published, UpdatedAt: published, PublishedAt: &published}
			docs = append(docs, w)
			s.workIDs = append(s.workIDs, w.ID)
			perMaker[st.ID]++
		}
		if _, err := coll.InsertMany(ctx, docs); err != nil {
			return fmt.Errorf("seed works: %w", err)
		}
		s.progress("works", min(n, start+500), n)
	}
	for id, k := range perMaker {
		if err := s.a.Makers.AddWorks(ctx, id, k); err != nil {
			return err
		}
	}
	_, err := s.a.Queue.Rebuild(ctx, work.SearchKind, true, func(done, total int64) { s.progress("index", int(done), int(total)) })
	return err
}

func slicesIndex(cats []string, craftsOfStudio []string) int {
	for i, c := range cats {
		if len(craftsOfStudio) > 0 && crafts[c][0] == craftsOfStudio[0] {
			return i
		}
	}
	return 0
}

// fans sign up and follow and favourite a few makers and works each.
func (s *seeder) fans(ctx context.Context, n int) error {
	for i := range n {
		u, err := s.signUp(ctx, fmt.Sprintf("fan%05d", i+1), fmt.Sprintf("Fan %d 号", i+1))
		if err != nil {
			return err
		}
		s.users = append(s.users, u)
		for range 3 {
			if len(s.studios) > 0 {
				st := s.studios[s.r.IntN(len(s.studios))]
				if err := s.a.Makers.Follow(ctx, u, st.Handle); err != nil {
					return err
				}
			}
			if len(s.workIDs) > 0 {
				if err := s.a.Works.Favourite(ctx, u, s.workIDs[s.r.IntN(len(s.workIDs))]); err != nil {
					return err
				}
			}
		}
		s.progress("fans", i+1, n)
	}
	return nil
}

// collections: a curator's featured selections and a fan's public list.
func (s *seeder) collections(ctx context.Context) error {
	if len(s.workIDs) == 0 {
		return nil
	}
	if _, err := s.a.Accounts.ChangeRoles(ctx, s.owner.Handle, []string{account.RoleCurator}, nil); err != nil {
		return err
	}
	curator, err := s.a.Accounts.ByHandle(ctx, s.owner.Handle)
	if err != nil {
		return err
	}
	for i, title := range []string{"茶席上的手作 · Tea table picks", "送给自己的礼物 · Gifts to yourself", "Workshop favourites 工坊之选"} {
		c, err := s.a.Curation.Create(ctx, curator, curation.Input{Title: &title})
		if err != nil {
			return err
		}
		for j := range 6 {
			id := s.workIDs[s.r.IntN(len(s.workIDs))]
			note := fmt.Sprintf("第 %d 件 · pick %d", j+1, j+1)
			if _, err := s.a.Curation.AddItem(ctx, curator, c.ID, id, note); err != nil {
				return err
			}
		}
		if err := s.a.Curation.Feature(ctx, c.ID, true); err != nil {
			return err
		}
		s.progress("collections", i+1, 3)
	}
	return nil
}

// groups: the first makers each open a public circle, where fans join and
// talk, and a private one for workshop students.
func (s *seeder) groups(ctx context.Context) error {
	n := min(5, len(s.studios))
	for i, st := range s.studios[:n] {
		owner, err := s.a.Accounts.ByHandle(ctx, st.Handle)
		if err != nil {
			return err
		}
		public, private, open, approval := "public", "private", "open", "approval"
		name := st.Name + " 粉丝圈 · Fans"
		g, err := s.a.Community.CreateGroup(ctx, owner, community.GroupInput{Name: &name, Visibility: &public, JoinPolicy: &open})
		if err != nil {
			return err
		}
		students := st.Name + " 工坊学员 · Workshop students"
		if _, err := s.a.Community.CreateGroup(ctx, owner, community.GroupInput{Name: &students, Visibility: &private, JoinPolicy: &approval}); err != nil {
			return err
		}
		title, body := "新作品预告 · What I am making next", "这周在做一批新的作品，大家想看什么颜色？\n\nWhich colours would you like to see?"
		t, err := s.a.Community.CreateThread(ctx, owner, g.ID, community.ThreadInput{Title: &title, Body: &body})
		if err != nil {
			return err
		}
		for j, u := range s.users[:min(6, len(s.users))] {
			if _, err := s.a.Community.Join(ctx, u, g.ID); err != nil {
				return err
			}
			reply := []string{"想要青瓷色！", "Deep indigo, please.", "期待！Looking forward to it.", "可以做小一点的尺寸吗？"}[j%4]
			if _, _, err := s.a.Community.AddReply(ctx, u, t.ID, community.ReplyInput{Body: reply}); err != nil {
				return err
			}
		}
		s.progress("groups", i+1, n)
	}
	return nil
}
