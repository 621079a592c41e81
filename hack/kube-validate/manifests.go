package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"sigs.k8s.io/yaml"
)

// object is one document of a manifest stream, with where it came from.
type object struct {
	source string
	body   map[string]interface{}
}

func (o object) str(path ...string) string {
	var current interface{} = o.body
	for _, key := range path {
		m, ok := current.(map[string]interface{})
		if !ok {
			return ""
		}
		current = m[key]
	}
	s, _ := current.(string)
	return s
}

func (o object) String() string {
	return fmt.Sprintf("%s %s/%s (%s)", o.str("kind"), o.str("metadata", "namespace"), o.str("metadata", "name"), o.source)
}

func readManifests(paths []string) ([]object, error) {
	if len(paths) == 0 {
		return nil, errors.New("no manifest given")
	}
	var objects []object
	for _, path := range paths {
		var reader io.Reader
		if path == "-" {
			reader = os.Stdin
		} else {
			file, err := os.Open(path)
			if err != nil {
				return nil, err
			}
			defer file.Close()
			reader = file
		}
		decoder := utilyaml.NewYAMLReader(bufio.NewReader(reader))
		for {
			document, err := decoder.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			// Decoded as the API server decodes a request: integers stay int64.
			asJSON, err := yaml.YAMLToJSON(document)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			var body map[string]interface{}
			if err := utiljson.Unmarshal(asJSON, &body); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			if len(body) == 0 {
				continue
			}
			objects = append(objects, object{source: path, body: body})
		}
	}
	return objects, nil
}
