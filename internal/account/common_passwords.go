package account

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run gen_passwords.go

//go:embed common_passwords.txt
var commonPasswordList string

// localCommon were refused before the list came: guesses of ten characters
// or more, some common among Chinese users (woaini1314, 5201314520), which
// the list, drawn mostly from English-speaking leaks, ranks low or lacks.
var localCommon = []string{"1234567890", "12345678910", "password123", "password1234", "qwertyuiop",
	"1q2w3e4r5t", "iloveyou123", "0123456789", "1111111111", "aaaaaaaaaa",
	"passw0rd123", "qwerty12345", "abcdefghij", "woaini1314", "5201314520"}

// commonPasswords is built on first use: about 10,000 entries.
var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 10_100)
	for _, line := range strings.Split(commonPasswordList, "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	for _, p := range localCommon {
		m[p] = true
	}
	return m
})

// isCommonPassword compares without case, as guessers try every case.
func isCommonPassword(p string) bool { return commonPasswords()[strings.ToLower(p)] }
