package server

import (
	"time"

	"guildhall/internal/maker"
)

type makerJSON struct {
	ID        string          `json:"id"`
	Handle    string          `json:"handle"`
	Name      string          `json:"name"`
	Story     string          `json:"story"`
	StoryHTML string          `json:"story_html"`
	Location  string          `json:"location"`
	Crafts    []string        `json:"crafts"`
	BannerURL string          `json:"banner_url"`
	AvatarURL string          `json:"avatar_url"`
	Policies  policiesJSON    `json:"policies"`
	Counts    makerCountsJSON `json:"counts"`
	Rating    ratingJSON      `json:"rating"`
	Groups    []groupRefJSON  `json:"groups"`
	URL       string          `json:"url"`
	CreatedAt time.Time       `json:"created_at"`
}

type policiesJSON struct {
	Shipping     string `json:"shipping"`
	Returns      string `json:"returns"`
	LeadTimeDays int    `json:"lead_time_days"`
}

type makerCountsJSON struct {
	Followers int `json:"followers"`
	Works     int `json:"works"`
	Sales     int `json:"sales"`
}

type ratingJSON struct {
	Average float64 `json:"average"`
	Count   int     `json:"count"`
}

// groupRefJSON is a group on its maker's page.
type groupRefJSON struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Visibility string `json:"visibility"`
	URL        string `json:"url"`
}

func groupRefOut(g maker.GroupRef) groupRefJSON {
	return groupRefJSON{ID: g.ID, Name: g.Name, Visibility: g.Visibility, URL: g.URL}
}

func makerOut(st *maker.Studio) makerJSON {
	p, n := st.Policies, st.Counts
	return makerJSON{ID: st.ID, Handle: st.Handle, Name: st.Name, Story: st.Story, StoryHTML: string(st.StoryHTML),
		Location: st.Location, Crafts: nonNil(st.Crafts), BannerURL: st.BannerURL, AvatarURL: st.AvatarURL,
		Policies: policiesJSON{Shipping: p.Shipping, Returns: p.Returns, LeadTimeDays: p.LeadTimeDays},
		Counts:   makerCountsJSON{Followers: n.Followers, Works: n.Works, Sales: n.Sales},
		Rating:   ratingJSON{Average: st.Rating.Average(), Count: st.Rating.Count},
		Groups:   nonNil(listOut(st.Groups, groupRefOut)), URL: "/@" + st.Handle, CreatedAt: st.CreatedAt}
}

type makerResponse struct {
	Maker makerJSON `json:"maker"`
}

// makerGroupsJSON is every group of a maker: one page, no cursor.
type makerGroupsJSON struct {
	Items      []groupRefJSON `json:"items"`
	NextCursor *string        `json:"next_cursor"`
}

type studioInputJSON struct {
	Name          string       `json:"name"`
	Story         string       `json:"story"`
	Location      string       `json:"location"`
	Crafts        []string     `json:"crafts"`
	BannerMediaID string       `json:"banner_media_id"`
	AvatarMediaID string       `json:"avatar_media_id"`
	Policies      policiesJSON `json:"policies"`
}

func (in studioInputJSON) input() maker.StudioInput {
	p := in.Policies
	return maker.StudioInput{Name: in.Name, Story: in.Story, Location: in.Location, Crafts: in.Crafts,
		BannerMediaID: in.BannerMediaID, AvatarMediaID: in.AvatarMediaID,
		Policies: maker.Policies{Shipping: p.Shipping, Returns: p.Returns, LeadTimeDays: p.LeadTimeDays}}
}
