package main

import (
	"flag"
	"fmt"
)

// crd-files: the path of each CRD file the sources name, for installing them on a cluster.
func runCRDFiles(args []string) error {
	flags := flag.NewFlagSet("crd-files", flag.ExitOnError)
	sources := flags.String("sources", "", "file listing the CRD modules")
	_ = flags.Parse(args)
	files, err := crdFiles(*sources)
	if err != nil {
		return err
	}
	for _, file := range files {
		fmt.Println(file)
	}
	return nil
}
