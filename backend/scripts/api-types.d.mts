export declare const typesFile: string;
export declare function apiTypes(document: unknown): Promise<string>;
export declare function checkedInApiTypes(): Promise<string>;
