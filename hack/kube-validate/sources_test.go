package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestReadSources(t *testing.T) {
	cases := []struct {
		name    string
		content string
		want    []crdSource
		wantErr string
	}{
		{
			name:    "a module with two files, comments and blank lines skipped",
			content: "# MODULE VERSION H1 FILE...\n\nexample.com/m v1.2.3 h1:abc= a.yaml b.yaml\n",
			want:    []crdSource{{module: "example.com/m", version: "v1.2.3", sum: "h1:abc=", files: []string{"a.yaml", "b.yaml"}}},
		},
		{
			name:    "two modules",
			content: "example.com/a v1.0.0 h1:a= a.yaml\nexample.com/b v2.0.0 h1:b= b.yaml\n",
			want: []crdSource{
				{module: "example.com/a", version: "v1.0.0", sum: "h1:a=", files: []string{"a.yaml"}},
				{module: "example.com/b", version: "v2.0.0", sum: "h1:b=", files: []string{"b.yaml"}},
			},
		},
		{name: "a line without files", content: "example.com/m v1.2.3 h1:abc=\n", wantErr: ":1: want MODULE VERSION H1-SUM FILE..."},
		{name: "the line number of the bad line", content: "# c\nexample.com/m v1\n", wantErr: ":2: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := readSources(writeFile(t, "sources.txt", c.content))
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
