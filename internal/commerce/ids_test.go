package commerce

import "testing"

// The hash is stored with each checkout to recognise a retried request:
// it must not change when the structs it reads change, or a retry after
// an upgrade would be refused as another request under the same key.
func TestRequestHash_StaysAsStored(t *testing.T) {
	in := CheckoutInput{AddressID: "a1", PaymentMethod: "offline", Note: "gift", Maker: "m1",
		ExpectedTotal: &Money{Amount: 12900, Currency: "CNY"}}
	for _, c := range []struct {
		name string
		in   CheckoutInput
		want string
	}{
		{"with an expected total", in, "23606e51f2627a9b37a97fc1ffa1cb863cfc49ff2e91999e6cd0a2324faef72d"},
		{"without one", CheckoutInput{AddressID: "a1", PaymentMethod: "stripe"},
			"c7a7f02f6f8e27d2113e4b98e49fba1fe6989746863b758fa526ee383efd5d4e"},
	} {
		if got := requestHash(c.in); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
