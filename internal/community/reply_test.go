package community

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"

	"guildhall/internal/account"
	"guildhall/internal/problem"
)

// stored reads every bucket of the thread straight from the store: the
// numbers of the replies each holds, by bucket.
func (f *fixture) stored(tb testing.TB, threadID string) map[int][]int {
	tb.Helper()
	out := map[int][]int{}
	t, err := f.s.thread(context.Background(), threadID)
	if err != nil {
		tb.Fatal(err)
	}
	for b := 1; b <= t.Pages(); b++ {
		var doc replyBucket
		err := f.DB.Database.Collection(ReplyBucketsCollection).FindOne(context.Background(), bson.M{"_id": bucketID(threadID, b)}).Decode(&doc)
		if err != nil {
			tb.Fatalf("read bucket %d: %v", b, err)
		}
		for key, r := range doc.Replies {
			if key != replyKey(r.N) {
				tb.Fatalf("bucket %d keeps reply %d under %s", b, r.N, key)
			}
			out[b] = append(out[b], r.N)
		}
		slices.Sort(out[b])
	}
	return out
}

// repliesCounted is the thread's count of replies and its last number.
func (f *fixture) repliesCounted(tb testing.TB, threadID string) (count, seq int) {
	tb.Helper()
	t, err := f.s.thread(context.Background(), threadID)
	if err != nil {
		tb.Fatal(err)
	}
	return t.Counts.Replies, t.Seq
}

// numbers is 1..n.
func numbers(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func TestService_AddReply(t *testing.T) {
	t.Run("Sequential", func(t *testing.T) {
		f := mustOpen(t)
		owner, fan, g := f.circle(t, visibilityPublic, joinOpen)
		th := f.thread(t, owner, g)
		total := 2*RepliesPerPage + 3
		for i := 1; i <= total; i++ {
			if n := f.reply(t, fan, th.ID, fmt.Sprintf("reply %d", i)); n != i {
				t.Fatalf("reply %d got number %d", i, n)
			}
		}
		got := f.stored(t, th.ID)
		want := map[int][]int{1: numbers(1, 50), 2: numbers(51, 100), 3: numbers(101, total)}
		for b := 1; b <= 3; b++ {
			if !slices.Equal(got[b], want[b]) {
				t.Fatalf("bucket %d holds %v, want %v", b, got[b], want[b])
			}
		}
		if count, seq := f.repliesCounted(t, th.ID); count != total || seq != total {
			t.Fatalf("count %d, seq %d, want %d", count, seq, total)
		}
		v, err := f.s.ThreadPage(context.Background(), fan, th.ID, "last")
		if err != nil || v.Page != 3 || len(v.Replies) != total-2*RepliesPerPage || v.Replies[0].N != 101 {
			t.Fatalf("last page: %+v %v", v, err)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		f := mustOpen(t)
		owner := f.Maker(t, "potter")
		g := f.group(t, owner, visibilityPublic, joinOpen)
		th := f.thread(t, owner, g)
		const before, racing = 40, 24 // the race crosses into the second bucket
		for i := 1; i <= before; i++ {
			f.reply(t, owner, th.ID, "before")
		}
		fans := make([]*account.User, racing)
		for i := range fans {
			fans[i] = f.User(t, fmt.Sprintf("fan%02d", i))
			f.member(t, g, fans[i], owner)
		}
		var wg sync.WaitGroup
		got := make([]int, racing)
		for i, fan := range fans {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, r, err := f.s.AddReply(context.Background(), fan, th.ID, ReplyInput{Body: "at once"})
				if err != nil {
					t.Errorf("reply of %s: %v", fan.Handle, err)
					return
				}
				got[i] = r.N
			}()
		}
		wg.Wait()
		slices.Sort(got)
		if want := numbers(before+1, before+racing); !slices.Equal(got, want) {
			t.Fatalf("racing replies numbered %v, want %v without gaps or repeats", got, want)
		}
		stored := f.stored(t, th.ID)
		all := slices.Concat(stored[1], stored[2])
		if want := numbers(1, before+racing); !slices.Equal(all, want) {
			t.Fatalf("stored %v, want %v", all, want)
		}
		if count, _ := f.repliesCounted(t, th.ID); count != len(all) {
			t.Fatalf("count %d, stored %d", count, len(all))
		}
	})

	t.Run("LockedThread", func(t *testing.T) {
		f := mustOpen(t)
		owner, fan, g := f.circle(t, visibilityPublic, joinOpen)
		mod := f.User(t, "mod")
		f.moderator(t, g, mod, owner)
		th := f.thread(t, fan, g)
		if _, _, err := f.s.UpdateThread(context.Background(), mod, th.ID, ThreadInput{Locked: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		_, _, err := f.s.AddReply(context.Background(), fan, th.ID, ReplyInput{Body: "still here"})
		refused(t, "a member replies to a locked thread", err, problem.KindLocked, "thread_locked")
		if n := f.reply(t, mod, th.ID, "closing this"); n != 1 {
			t.Fatalf("the moderator's reply is number %d", n)
		}
		if count, seq := f.repliesCounted(t, th.ID); count != 1 || seq != 1 {
			t.Fatalf("count %d, seq %d: the refused reply took a number", count, seq)
		}
	})

	t.Run("DeletedThread", func(t *testing.T) {
		f := mustOpen(t)
		owner, fan, g := f.circle(t, visibilityPublic, joinOpen)
		th := f.thread(t, fan, g)
		if err := f.s.DeleteThread(context.Background(), fan, th.ID); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*account.User{fan, owner} {
			_, _, err := f.s.AddReply(context.Background(), u, th.ID, ReplyInput{Body: "hello?"})
			refused(t, u.Handle+" replies to a deleted thread", err, problem.KindConflict, "thread_deleted")
		}
	})

	t.Run("NotAMember", func(t *testing.T) {
		f := mustOpen(t)
		owner, stranger := f.Maker(t, "potter"), f.User(t, "stranger")
		g := f.group(t, owner, visibilityPublic, joinOpen)
		th := f.thread(t, owner, g)
		_, _, err := f.s.AddReply(context.Background(), stranger, th.ID, ReplyInput{Body: "hi"})
		refused(t, "a stranger replies", err, problem.KindForbidden, "join_group_first")
	})
}

func TestService_EditReply(t *testing.T) {
	f := mustOpen(t)
	owner, fan, g := f.circle(t, visibilityPublic, joinOpen)
	other := f.User(t, "other")
	f.member(t, g, other, owner)
	th := f.thread(t, owner, g)
	n := f.reply(t, fan, th.ID, "first thought")
	ctx, id := context.Background(), fmt.Sprint(n)

	t.Run("NotYourPost", func(t *testing.T) {
		for _, u := range []*account.User{other, owner} { // not even the owner edits others' words
			if _, err := f.s.EditReply(ctx, u, th.ID, id, ReplyInput{Body: "mine now"}); problem.KindOf(err) != problem.KindForbidden {
				t.Fatalf("%s edits the fan's reply: %v", u.Handle, err)
			}
			if _, _, err := f.s.ReplyToEdit(ctx, u, th.ID, id); problem.KindOf(err) != problem.KindForbidden {
				t.Fatalf("%s opens the fan's reply to edit: %v", u.Handle, err)
			}
		}
	})
	t.Run("Author", func(t *testing.T) {
		r, err := f.s.EditReply(ctx, fan, th.ID, id, ReplyInput{Body: "second thought"})
		if err != nil || r.Body != "second thought" || r.EditedAt == nil {
			t.Fatalf("edit: %+v %v", r, err)
		}
	})
	t.Run("Deleted", func(t *testing.T) {
		if err := f.s.DeleteReply(ctx, owner, th.ID, id); err != nil { // a moderator removes it
			t.Fatal(err)
		}
		if _, _, err := f.s.ReplyToEdit(ctx, fan, th.ID, id); problem.KindOf(err) != problem.KindConflict {
			t.Fatalf("open a deleted reply to edit: %v", err)
		}
	})
}
